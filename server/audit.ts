import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Principal } from '../lib/access';
import type { AuditEvent } from '../lib/schemas/audit-event';
import { topics } from '../lib/topics';

/** The newest audit events, for admins; every gateway builds it from audit.events. */
export class AuditView {
  private readonly events: AuditEvent[] = [];
  private fresh: AuditEvent[] = [];

  constructor(private readonly keep = 500) {}

  add(event: AuditEvent): void {
    this.events.push(event);
    if (this.events.length > this.keep) this.events.shift();
    this.fresh.push(event);
    if (this.fresh.length > this.keep) this.fresh.shift();
  }

  /** Newest first. */
  recent(): AuditEvent[] {
    return [...this.events].reverse();
  }

  takeFresh(): AuditEvent[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

export type AuditEntry = Omit<AuditEvent, 'at' | 'gatewayId' | 'actor' | 'role'> & { actor: Principal | string };

/**
 * Writes audit events to audit.events. A sensitive action is not held up or undone when the
 * write fails: it is logged and counted, so a broker outage shows as missing audit events in
 * the metrics, not as a dashboard that stops working.
 */
export interface AuditLogOptions {
  readonly producer: Producer;
  /** Stamped on every event: which gateway saw it. */
  readonly gatewayId: string;
  readonly log: Logger;
  /** Told of every write's outcome (the metrics count them). */
  readonly onWritten: (outcome: 'ok' | 'failed') => void;
  readonly clock?: { now(): number };
}

export class AuditLog {
  private readonly producer: Producer;
  private readonly gatewayId: string;
  private readonly log: Logger;
  private readonly onWritten: (outcome: 'ok' | 'failed') => void;
  private readonly clock: { now(): number };

  constructor({ producer, gatewayId, log, onWritten, clock = Date }: AuditLogOptions) {
    this.producer = producer;
    this.gatewayId = gatewayId;
    this.log = log;
    this.onWritten = onWritten;
    this.clock = clock;
  }

  record(entry: AuditEntry): void {
    const { actor, ...rest } = entry;
    const event: AuditEvent = {
      ...rest,
      at: this.clock.now(),
      actor: typeof actor === 'string' ? actor : actor.name,
      role: typeof actor === 'string' ? null : actor.role,
      gatewayId: this.gatewayId,
    };
    this.producer
      .send({ topic: topics.auditEvents.name, messages: [{ key: event.actor, value: JSON.stringify(event) }] })
      .then(
        () => this.onWritten('ok'),
        (err: unknown) => {
          this.onWritten('failed');
          this.log.error({ err, event }, 'could not write an audit event');
        },
      );
  }
}
