import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
import type { DriverView } from './driver-view';
import type { IngestOutcome } from './metrics';

export interface IngestStats {
  records: number;
  applied: number;
  stale: number;
  tombstones: number;
  invalid: number;
}

export interface IngestOptions {
  readonly kafka: Kafka;
  readonly gatewayId: string;
  readonly view: DriverView;
  readonly log: Logger;
  readonly count?: (outcome: IngestOutcome) => void;
}

/**
 * Reads drivers.positions into the driver view. Every start replays the compacted topic from
 * the beginning (no offsets are committed), and the gateway reports ready once it has reached
 * the end offsets it saw at start.
 */
export class DriverIngest {
  readonly stats: IngestStats = { records: 0, applied: 0, stale: 0, tombstones: 0, invalid: 0 };
  private readonly consumer: Consumer;
  /** Partition -> offset that must be reached before the view is complete. */
  private readonly catchUpTo = new Map<number, bigint>();
  private caughtUp = false;

  constructor(private readonly o: IngestOptions) {
    this.consumer = o.kafka.consumer({
      groupId: `streamwatch-gateway-${o.gatewayId}`,
      maxWaitTimeInMs: 100,
      sessionTimeout: 15_000,
    });
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  async start(): Promise<void> {
    const topic = topics.driversPositions.name;
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) this.catchUpTo.set(p.partition, BigInt(p.high));
      }
    } finally {
      await admin.disconnect();
    }
    this.updateReadiness();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.handle(message, batch.partition);
        const last = batch.messages.at(-1);
        if (last) this.reached(batch.partition, BigInt(last.offset) + 1n);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private handle(message: KafkaMessage, partition: number): void {
    this.stats.records++;
    const key = message.key?.toString('utf8');
    if (message.value === null) {
      if (key) {
        this.o.view.remove(key);
        this.stats.tombstones++;
        this.o.count?.('tombstone');
      }
      return;
    }
    let parsed: ReturnType<typeof DriverPosition.safeParse>;
    try {
      parsed = DriverPosition.safeParse(JSON.parse(message.value.toString('utf8')));
    } catch (err) {
      this.invalid(partition, message.offset, (err as Error).message);
      return;
    }
    if (!parsed.success) {
      this.invalid(partition, message.offset, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    const outcome = this.o.view.apply(parsed.data) ? 'applied' : 'stale';
    this.stats[outcome]++;
    this.o.count?.(outcome);
  }

  private invalid(partition: number, offset: string, reason: string): void {
    this.stats.invalid++;
    this.o.count?.('invalid');
    // One line per bad record would flood the log during a bad deploy upstream; the counter
    // holds the total.
    if (this.stats.invalid <= 20 || this.stats.invalid % 1000 === 0) {
      this.o.log.warn(
        { topic: topics.driversPositions.name, partition, offset, reason, invalidTotal: this.stats.invalid },
        'skipped an invalid driver position',
      );
    }
  }

  private reached(partition: number, nextOffset: bigint): void {
    const target = this.catchUpTo.get(partition);
    if (target !== undefined && nextOffset >= target) {
      this.catchUpTo.delete(partition);
      this.updateReadiness();
    }
  }

  private updateReadiness(): void {
    if (!this.caughtUp && this.catchUpTo.size === 0) {
      this.caughtUp = true;
      this.o.log.info({ drivers: this.o.view.size, records: this.stats.records }, 'driver view caught up');
    }
  }
}
