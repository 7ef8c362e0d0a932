import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export interface OffsetRequest {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Reads the timestamp of the record at given offsets, for time lag: a consumer of its own that
 * never commits, keeps every partition paused, and for each request seeks, takes the first
 * record at or after the offset, and pauses again. Topics are subscribed on first use (the
 * consumer restarts when the set grows, which happens rarely).
 */
export class RecordTimestamps {
  private consumer: Consumer | null = null;
  private topics = new Set<string>();
  private readonly pending = new Map<string, { offset: number; resolve: (ts: number | null) => void }>();
  private generation = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly log: Logger,
  ) {}

  /** Timestamps (epoch ms) by "topic/partition"; null where no record could be read in time. */
  async timestampsAt(requests: readonly OffsetRequest[], partitionsOf: (topic: string) => number[], timeoutMs = 2_000): Promise<Map<string, number | null>> {
    const result = new Map<string, number | null>();
    if (requests.length === 0) return result;
    await this.ensureSubscribed(new Set(requests.map((r) => r.topic)), partitionsOf);
    const consumer = this.consumer!;
    const waits = requests.map(
      (r) =>
        new Promise<void>((resolve) => {
          const key = keyOf(r.topic, r.partition);
          const timer = setTimeout(() => finish(null), timeoutMs);
          const finish = (ts: number | null): void => {
            clearTimeout(timer);
            this.pending.delete(key);
            result.set(`${r.topic}/${r.partition}`, ts);
            resolve();
          };
          this.pending.get(key)?.resolve(null);
          this.pending.set(key, { offset: r.offset, resolve: finish });
          consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.offset) });
          consumer.resume([{ topic: r.topic, partitions: [r.partition] }]);
        }),
    );
    await Promise.all(waits);
    return result;
  }

  async stop(): Promise<void> {
    for (const p of this.pending.values()) p.resolve(null);
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private async ensureSubscribed(wanted: Set<string>, partitionsOf: (topic: string) => number[]): Promise<void> {
    if (this.consumer && [...wanted].every((t) => this.topics.has(t))) return;
    this.topics = new Set([...this.topics, ...wanted]);
    await this.consumer?.disconnect();
    const generation = ++this.generation;
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 50, maxBytesPerPartition: 64 * 1024 });
    await consumer.connect();
    for (const topic of this.topics) await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (generation !== this.generation) return;
        const key = keyOf(batch.topic, batch.partition);
        const want = this.pending.get(key);
        const record = want ? batch.messages.find((m) => Number(m.offset) >= want.offset) : undefined;
        if (want && record) want.resolve(Number(record.timestamp));
        if (!want || record) consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      },
    });
    consumer.pause([...this.topics].map((topic) => ({ topic, partitions: partitionsOf(topic) })));
    this.consumer = consumer;
    this.log.debug({ topics: [...this.topics] }, 'record timestamp reader subscribed');
  }
}
