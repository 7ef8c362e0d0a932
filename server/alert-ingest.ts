import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AlertAction } from '../lib/schemas/alert-action';
import { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
import type { AlertView } from './alert-view';
import { CatchUp } from './catch-up';
import { consumeFromBeginning } from './consume-from-beginning';

export interface AlertIngestStats {
  alerts: number;
  actions: number;
  invalid: number;
}

/**
 * Reads fraud.alerts and alert-actions from the beginning into the alert view, on every
 * gateway: the topics are the shared truth, so every instance shows the same triage state and
 * a restarted one rebuilds it. fraud.alerts is written exactly-once (transactions): it is read
 * committed (kafkajs's default), so aborted alerts never show.
 */
export class AlertIngest {
  readonly stats: AlertIngestStats = { alerts: 0, actions: 0, invalid: 0 };
  private readonly consumer: Consumer;
  private catchUp: CatchUp | null = null;

  constructor(
    private readonly kafka: Kafka,
    groupId: string,
    private readonly view: AlertView,
    private readonly log: Logger,
  ) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  }

  get catchUpProgress(): { partitionsDone: number; partitions: number } | null {
    return this.catchUp?.progress ?? null;
  }

  get ready(): boolean {
    return this.catchUp?.done ?? false;
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      this.catchUp = await CatchUp.at(admin, [topics.fraudAlerts.name, topics.alertActions.name]);
    } finally {
      await admin.disconnect();
    }
    this.catchUp.follow(this.consumer, () => undefined);
    await consumeFromBeginning(this.consumer, [topics.fraudAlerts.name, topics.alertActions.name], (t, p, m) => this.handle(t, p, m));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private handle(topic: string, partition: number, message: KafkaMessage): void {
    if (topic === topics.fraudAlerts.name) {
      const alert = this.parse(FraudAlert, topic, partition, message);
      if (alert) {
        this.stats.alerts++;
        this.view.addAlert(alert);
      }
    } else {
      const action = this.parse(AlertAction, topic, partition, message);
      if (!action) return;
      this.stats.actions++;
      const outcome = this.view.applyAction(action);
      // Two gateways can accept conflicting actions at once; the topic's order decides and
      // every gateway rejects the same loser.
      if (outcome.kind === 'rejected') this.log.info({ actionId: action.actionId, alertId: action.alertId, reason: outcome.reason }, 'alert action lost a race');
    }
  }

  private parse<T>(schema: z.ZodType<T>, topic: string, partition: number, message: KafkaMessage): T | null {
    try {
      const parsed = schema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
      if (parsed.success) return parsed.data;
      this.invalid(topic, partition, message.offset, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    } catch (err) {
      this.invalid(topic, partition, message.offset, (err as Error).message);
    }
    return null;
  }

  private invalid(topic: string, partition: number, offset: string, reason: string): void {
    this.stats.invalid++;
    this.log.warn({ topic, partition, offset, reason }, 'skipped an invalid record');
  }
}
