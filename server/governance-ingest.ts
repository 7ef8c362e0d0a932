import { AccessGrant } from '../lib/schemas/access-grant';
import { AuditEvent } from '../lib/schemas/audit-event';
import { NotifySink } from '../lib/schemas/notify-sink';
import { SessionEvent } from '../lib/schemas/session-event';
import { UserAccount } from '../lib/schemas/user-account';
import { topics } from '../lib/topics';
import type { GrantStore } from './auth/grants';
import type { SessionEnds } from './auth/sessions';
import type { UserDirectory } from './auth/users';
import type { AuditView } from './audit';
import type { NotifySinkDirectory } from './notify-sinks';
import { parseRecord, ReplayedStream, type Handled, type IngestBase, type StreamRecord } from './replayed-stream';

/** The newest audit events read at start, per partition: what the admin view can show. */
export const AUDIT_TAIL = 500;

/**
 * Reads governance.grants, governance.users, governance.sessions and governance.notify-sinks from
 * the beginning (so that a grant issued or revoked, a user changed, a session ended or a
 * notification sink set on any gateway reaches this one)
 * and the newest AUDIT_TAIL events of each audit.events partition (for the admin view: not a
 * year of history).
 */
export class GovernanceIngest {
  readonly grantStream: ReplayedStream;
  readonly auditStream: ReplayedStream;
  readonly userStream: ReplayedStream;
  readonly sessionStream: ReplayedStream;
  readonly sinkStream: ReplayedStream;
  private readonly counts = { grants: 0, auditEvents: 0, users: 0, sessionEvents: 0, notifySinks: 0 };

  private readonly grants: GrantStore;
  private readonly audit: AuditView;
  private readonly users: UserDirectory;
  private readonly sessionEnds: SessionEnds;
  private readonly sinks: NotifySinkDirectory;

  constructor({ kafka, groupId, grants, audit, users, sessionEnds, sinks, log, count }: IngestBase & { readonly grants: GrantStore; readonly audit: AuditView; readonly users: UserDirectory; readonly sessionEnds: SessionEnds; readonly sinks: NotifySinkDirectory }) {
    this.grants = grants;
    this.audit = audit;
    this.users = users;
    this.sessionEnds = sessionEnds;
    this.sinks = sinks;
    // Each read with short polls: a change made on another gateway is here within ~50 ms.
    const replay = (name: string, topic: string, handle: (r: StreamRecord) => Handled, tail?: number) =>
      new ReplayedStream({ kafka, name, groupId: `${groupId}-${name}`, topics: [topic], handle, log, count, maxWaitTimeInMs: 50, ...(tail === undefined ? {} : { tail }) });
    this.userStream = replay('users', topics.userAccounts.name, (r) => this.user(r));
    this.sessionStream = replay('sessions', topics.sessionEvents.name, (r) => this.sessionEvent(r));
    this.grantStream = replay('grants', topics.accessGrants.name, (r) => this.grant(r));
    this.auditStream = replay('audit', topics.auditEvents.name, (r) => this.auditEvent(r), AUDIT_TAIL);
    this.sinkStream = replay('notify-sinks', topics.notifySinks.name, (r) => this.sink(r));
  }

  private get streams(): ReplayedStream[] {
    return [this.grantStream, this.auditStream, this.userStream, this.sessionStream, this.sinkStream];
  }

  get stats(): { grants: number; auditEvents: number; users: number; sessionEvents: number; notifySinks: number; invalid: number } {
    return { ...this.counts, invalid: this.streams.reduce((n, st) => n + st.stats.invalid, 0) };
  }

  get ready(): boolean {
    return this.streams.every((st) => st.ready);
  }

  async start(): Promise<void> {
    await Promise.all(this.streams.map((st) => st.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.streams.map((st) => st.stop()));
  }

  private user(record: StreamRecord): Handled {
    const handled = applyUserRecord(this.users, record);
    if (handled === 'applied') this.counts.users++;
    return handled;
  }

  private sessionEvent({ message }: StreamRecord): Handled {
    if (message.value === null) return 'tombstone';
    const event = parseRecord(SessionEvent, message);
    if (!event.ok) return { invalid: event.invalid };
    this.counts.sessionEvents++;
    this.sessionEnds.apply(event.value);
    return 'applied';
  }

  private grant({ message }: StreamRecord): Handled {
    // Grants are never deleted: a tombstone would make compaction forget a revocation, and
    // since tokens need a known grant (fail closed) ignoring it can only refuse more.
    if (message.value === null) return { invalid: 'a tombstone on a grant: ignored (grants and their revocations are kept)' };
    const grant = parseRecord(AccessGrant, message);
    if (!grant.ok) return { invalid: grant.invalid };
    this.counts.grants++;
    this.grants.apply(grant.value);
    return 'applied';
  }

  private sink({ message }: StreamRecord): Handled {
    const id = message.key?.toString('utf8');
    if (!id) return { invalid: 'a notification sink record without a key' };
    let sink: NotifySink | null = null;
    if (message.value !== null) {
      const parsed = parseRecord(NotifySink, message);
      if (!parsed.ok) return { invalid: parsed.invalid };
      if (parsed.value.id !== id) return { invalid: `a sink record keyed ${JSON.stringify(id.slice(0, 64))} names ${parsed.value.id}` };
      sink = parsed.value;
    }
    const handled = this.sinks.apply(id, sink);
    if (handled === 'applied') this.counts.notifySinks++;
    return handled;
  }

  private auditEvent({ message }: StreamRecord): Handled {
    if (message.value === null) return 'tombstone';
    const event = parseRecord(AuditEvent, message);
    if (!event.ok) return { invalid: event.invalid };
    this.counts.auditEvents++;
    this.audit.add(event.value);
    return 'applied';
  }
}

/** A governance.users record applied to a directory: a user's latest record, or a tombstone removing them. */
export function applyUserRecord(users: UserDirectory, { message }: StreamRecord): Handled {
  const key = message.key?.toString('utf8');
  if (!key) return { invalid: 'a user record without a key' };
  if (message.value === null) {
    users.apply(key, null);
    return 'applied';
  }
  const account = parseRecord(UserAccount, message);
  if (!account.ok) return { invalid: account.invalid };
  if (account.value.name !== key) return { invalid: `a user record keyed ${JSON.stringify(key.slice(0, 64))} names ${account.value.name}` };
  users.apply(key, account.value);
  return 'applied';
}
