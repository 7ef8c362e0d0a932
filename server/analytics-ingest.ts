import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { OpsKpis } from '../lib/schemas/ops-kpis';
import { SurgeCell } from '../lib/schemas/surge-cell';
import { topics } from '../lib/topics';
import type { AnalyticsView } from './analytics-view';
import { consumeFromBeginning } from './consume-from-beginning';

export interface AnalyticsIngestStats {
  surgeCells: number;
  kpiMinutes: number;
  invalid: number;
}

/**
 * Reads surge.cells (compacted: the latest window per cell survives) and ops.kpis from the
 * beginning into the analytics view. Both are written exactly-once and read committed
 * (kafkajs's default), so a window Flink later aborted never shows. A record that does not
 * parse is logged, counted and skipped.
 */
export class AnalyticsIngest {
  readonly stats: AnalyticsIngestStats = { surgeCells: 0, kpiMinutes: 0, invalid: 0 };
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    groupId: string,
    private readonly view: AnalyticsView,
    private readonly log: Logger,
  ) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await consumeFromBeginning(this.consumer, [topics.surgeCells.name, topics.opsKpis.name], (t, p, m) => this.handle(t, p, m));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private handle(topic: string, partition: number, message: KafkaMessage): void {
    // A compacted topic's tombstone: nothing to show for that key.
    if (message.value === null) return;
    let value: unknown;
    try {
      value = JSON.parse(message.value.toString('utf8'));
    } catch {
      value = undefined;
    }
    const parsed = topic === topics.surgeCells.name ? SurgeCell.safeParse(value) : OpsKpis.safeParse(value);
    if (!parsed.success) {
      this.stats.invalid++;
      this.log.warn({ topic, partition, offset: message.offset }, 'skipped an analytics record that does not match its schema');
      return;
    }
    if (topic === topics.surgeCells.name) {
      this.stats.surgeCells++;
      this.view.applySurge(parsed.data as SurgeCell);
    } else {
      this.stats.kpiMinutes++;
      this.view.applyKpis(parsed.data as OpsKpis);
    }
  }
}
