import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
import { CatchUp } from './catch-up';
import type { DriverView } from './driver-view';
import type { IngestOutcome } from './metrics';

export interface IngestStats {
  records: number;
  applied: number;
  stale: number;
  tombstones: number;
  invalid: number;
  /** Times the consumer failed in a way kafkajs would not recover from, and was rebuilt. */
  rebuilds: number;
}

export interface IngestOptions {
  readonly kafka: Kafka;
  /** Consumer group, used for partition assignment only: nothing is committed. */
  readonly groupId: string;
  readonly view: DriverView;
  readonly log: Logger;
  readonly count?: (outcome: IngestOutcome) => void;
  readonly clock?: { now(): number };
}

/** No fetch for this long (the loop fetches every ~100 ms) means the broker is out of reach. */
const DEGRADED_AFTER_MS = 5_000;
const REBUILD_DELAY_MS = 1_000;

/**
 * Reads drivers.positions into the driver view. Every start replays the compacted topic from
 * the beginning (no offsets are committed), and the gateway reports ready once it has reached
 * the end offsets it saw at start.
 *
 * kafkajs reconnects and restarts on retriable failures by itself; a consumer it gives up on is
 * rebuilt here, and replaying into the view is harmless because it keeps the latest per driver.
 */
export class DriverIngest {
  readonly stats: IngestStats = { records: 0, applied: 0, stale: 0, tombstones: 0, invalid: 0, rebuilds: 0 };
  private consumer: Consumer;
  private lastFetchAt = 0;
  private stopped = false;
  private readonly clock: { now(): number };
  private catchUp: CatchUp | null = null;
  private caughtUp = false;

  constructor(private readonly o: IngestOptions) {
    this.clock = o.clock ?? Date;
    this.consumer = this.createConsumer();
  }

  get catchUpProgress(): { partitionsDone: number; partitions: number } | null {
    return this.catchUp?.progress ?? null;
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  /** Serving what it has, but not receiving: the broker is unreachable or the consumer is down. */
  get degraded(): boolean {
    return this.lastFetchAt > 0 && this.clock.now() - this.lastFetchAt > DEGRADED_AFTER_MS;
  }

  async start(): Promise<void> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      this.catchUp = await CatchUp.at(admin, [topics.driversPositions.name]);
    } finally {
      await admin.disconnect();
    }
    this.catchUp.follow(this.consumer, () => this.updateReadiness());
    this.updateReadiness();
    this.lastFetchAt = this.clock.now();
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
  }

  private createConsumer(): Consumer {
    const consumer = this.o.kafka.consumer({
      groupId: this.o.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 15_000,
    });
    consumer.on(consumer.events.FETCH, () => {
      this.lastFetchAt = this.clock.now();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts on its own after a retriable error (a coordinator still loading, say).
      this.o.log[payload.restart ? 'warn' : 'error']({ err: payload.error, restart: payload.restart }, 'driver consumer crashed');
      if (!payload.restart && !this.stopped) setTimeout(() => void this.rebuild(), REBUILD_DELAY_MS);
    });
    return consumer;
  }

  private async rebuild(): Promise<void> {
    if (this.stopped) return;
    this.stats.rebuilds++;
    this.o.log.warn({ rebuilds: this.stats.rebuilds }, 'rebuilding the driver consumer');
    await this.consumer.disconnect().catch(() => undefined);
    this.consumer = this.createConsumer();
    this.catchUp?.follow(this.consumer, () => this.updateReadiness());
    try {
      await this.run();
    } catch (err) {
      this.o.log.error({ err }, 'driver consumer rebuild failed; trying again');
      setTimeout(() => void this.rebuild(), REBUILD_DELAY_MS);
    }
  }

  private async run(): Promise<void> {
    const topic = topics.driversPositions.name;
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.handle(message, batch.partition);
      },
    });
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

  private updateReadiness(): void {
    if (!this.caughtUp && this.catchUp?.done) {
      this.caughtUp = true;
      this.o.log.info({ drivers: this.o.view.size, records: this.stats.records }, 'driver view caught up');
    }
  }
}
