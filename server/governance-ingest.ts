import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { AccessGrant } from '../lib/schemas/access-grant';
import { AuditEvent } from '../lib/schemas/audit-event';
import { topics } from '../lib/topics';
import type { GrantStore } from './auth/grants';
import type { AuditView } from './audit';
import { CatchUp } from './catch-up';
import { consumeFromBeginning } from './consume-from-beginning';

/**
 * Reads governance.grants (so that an issue or revocation on any gateway reaches this one)
 * and audit.events (for the admin view) from the beginning.
 */
export class GovernanceIngest {
  readonly stats = { grants: 0, auditEvents: 0, invalid: 0 };
  private readonly consumer: Consumer;
  private catchUp: CatchUp | null = null;

  constructor(
    private readonly kafka: Kafka,
    groupId: string,
    private readonly grants: GrantStore,
    private readonly audit: AuditView,
    private readonly log: Logger,
  ) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  }

  get ready(): boolean {
    return this.catchUp?.done ?? false;
  }

  async start(): Promise<void> {
    const names = [topics.accessGrants.name, topics.auditEvents.name];
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      this.catchUp = await CatchUp.at(admin, names);
    } finally {
      await admin.disconnect();
    }
    this.catchUp.follow(this.consumer, () => undefined);
    await consumeFromBeginning(this.consumer, names, (t, p, m) => this.handle(t, p, m));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private handle(topic: string, partition: number, m: KafkaMessage): void {
    // A tombstone (null value) is compaction's business: the grant it replaced was revoked first.
    if (m.value === null) return;
    const schema = topic === topics.accessGrants.name ? AccessGrant : AuditEvent;
    let parsed;
    try {
      parsed = schema.safeParse(JSON.parse(m.value.toString('utf8')));
    } catch (err) {
      parsed = { success: false as const, error: err as Error };
    }
    if (!parsed.success) {
      this.stats.invalid++;
      this.log.warn({ topic, partition, offset: m.offset, reason: parsed.error.message.slice(0, 300) }, 'skipped an invalid governance record');
      return;
    }
    if (topic === topics.accessGrants.name) {
      this.stats.grants++;
      this.grants.apply(parsed.data as AccessGrant);
    } else {
      this.stats.auditEvents++;
      this.audit.add(parsed.data as AuditEvent);
    }
  }
}
