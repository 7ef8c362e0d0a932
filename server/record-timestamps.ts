import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { SOLE_MEMBER_GROUP_TIMING } from '../lib/kafka-brokers';

export interface OffsetRequest {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * What lies at an offset: the timestamp of the first data record at or after it, 'end' when
 * only transaction markers (or aborted records) lie between it and the end of the log, or null
 * when nothing could be read in time.
 */
export type RecordAt = number | 'end' | null;

/**
 * Reads the timestamp of the record at given offsets, for time lag: a consumer of its own that
 * never commits, keeps every partition paused, and for each request seeks, takes the first
 * record at or after the offset, and pauses again. Topics are subscribed on first use (the
 * consumer restarts when the set grows, which happens rarely).
 *
 * On an exactly-once topic every transaction ends in a commit marker, so a caught-up group's
 * committed offset sits on a marker: there is no data record to read until more is written.
 * kafkajs never hands such a batch to eachBatch but reports it as an empty batch event; that
 * answers 'end' at once rather than waiting the timeout out.
 */
export class RecordTimestamps {
  private consumer: Consumer | null = null;
  private topics = new Set<string>();
  private readonly pending = new Map<string, { offset: number; resolve: (at: RecordAt) => void }>();
  private generation = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly log: Logger,
  ) {}

  /** What lies at each offset, by "topic/partition" (see RecordAt). */
  async timestampsAt(requests: readonly OffsetRequest[], partitionsOf: (topic: string) => number[], timeoutMs = 2_000): Promise<Map<string, RecordAt>> {
    const result = new Map<string, RecordAt>();
    if (requests.length === 0) return result;
    await this.ensureSubscribed(new Set(requests.map((r) => r.topic)), partitionsOf);
    const consumer = this.consumer!;
    const waits = requests.map(
      (r) =>
        new Promise<void>((resolve) => {
          const key = keyOf(r.topic, r.partition);
          const timer = setTimeout(() => finish(null), timeoutMs);
          const finish = (at: RecordAt): void => {
            clearTimeout(timer);
            this.pending.delete(key);
            result.set(`${r.topic}/${r.partition}`, at);
            resolve();
          };
          this.pending.get(key)?.resolve(null);
          this.pending.set(key, { offset: r.offset, resolve: finish });
          try {
            consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.offset) });
            consumer.resume([{ topic: r.topic, partitions: [r.partition] }]);
          } catch {
            // Between a crash and kafkajs's restart there is no group to seek in: this time is
            // unknown for this poll, not the whole report.
            finish(null);
          }
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
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 50, maxBytesPerPartition: 64 * 1024, ...SOLE_MEMBER_GROUP_TIMING });
    // A crash kafkajs does not restart from leaves nothing to read with: the next poll builds anew.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.consumer !== consumer) return;
      this.log.warn({ err: payload.error }, 'record timestamp reader crashed; rebuilt on the next poll');
      this.consumer = null;
    });
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
    // A fetch that held only markers (or aborted records): if it reached the end of the log
    // from the wanted offset, nothing is left to read there.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (generation !== this.generation || payload.batchSize !== 0) return;
      const want = this.pending.get(keyOf(payload.topic, payload.partition));
      if (!want || Number(payload.lastOffset) < want.offset) return;
      if (Number(payload.lastOffset) + 1 >= Number(payload.highWatermark)) {
        want.resolve('end');
        consumer.pause([{ topic: payload.topic, partitions: [payload.partition] }]);
      }
    });
    consumer.pause([...this.topics].map((topic) => ({ topic, partitions: partitionsOf(topic) })));
    this.consumer = consumer;
    this.log.debug({ topics: [...this.topics] }, 'record timestamp reader subscribed');
  }
}
