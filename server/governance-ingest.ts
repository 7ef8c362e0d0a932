import { AccessGrant } from '../lib/schemas/access-grant';
import { AuditEvent } from '../lib/schemas/audit-event';
import { topics } from '../lib/topics';
import type { GrantStore } from './auth/grants';
import type { AuditView } from './audit';
import { parseRecord, ReplayedStream, type Handled, type IngestBase, type StreamRecord } from './replayed-stream';

/** The newest audit events read at start, per partition: what the admin view can show. */
export const AUDIT_TAIL = 500;

/**
 * Reads governance.grants from the beginning (so that an issue or revocation on any gateway
 * reaches this one; every grant ever issued may still be in use) and the newest AUDIT_TAIL
 * events of each audit.events partition (for the admin view: not a year of history).
 */
export class GovernanceIngest {
  readonly grantStream: ReplayedStream;
  readonly auditStream: ReplayedStream;
  private readonly counts = { grants: 0, auditEvents: 0 };

  private readonly grants: GrantStore;
  private readonly audit: AuditView;

  constructor({ kafka, groupId, grants, audit, log, count }: IngestBase & { readonly grants: GrantStore; readonly audit: AuditView }) {
    this.grants = grants;
    this.audit = audit;
    this.grantStream = new ReplayedStream({ kafka, name: 'grants', groupId: `${groupId}-grants`, topics: [topics.accessGrants.name], handle: (r) => this.grant(r), log, count, maxWaitTimeInMs: 50 });
    this.auditStream = new ReplayedStream({ kafka, name: 'audit', groupId: `${groupId}-audit`, topics: [topics.auditEvents.name], tail: AUDIT_TAIL, handle: (r) => this.auditEvent(r), log, count, maxWaitTimeInMs: 50 });
  }

  get stats(): { grants: number; auditEvents: number; invalid: number } {
    return { ...this.counts, invalid: this.grantStream.stats.invalid + this.auditStream.stats.invalid };
  }

  get ready(): boolean {
    return this.grantStream.ready && this.auditStream.ready;
  }

  async start(): Promise<void> {
    await Promise.all([this.grantStream.start(), this.auditStream.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.grantStream.stop(), this.auditStream.stop()]);
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

  private auditEvent({ message }: StreamRecord): Handled {
    if (message.value === null) return 'tombstone';
    const event = parseRecord(AuditEvent, message);
    if (!event.ok) return { invalid: event.invalid };
    this.counts.auditEvents++;
    this.audit.add(event.value);
    return 'applied';
  }
}
