import type { Admin, Consumer } from 'kafkajs';

/**
 * Tracks when a replaying consumer has read every partition up to the end offsets it saw at
 * start, which is when its view is complete and the gateway may call itself ready.
 */
export class CatchUp {
  private readonly total: number;

  private constructor(private readonly remaining: Map<string, bigint>) {
    this.total = remaining.size;
  }

  static async at(admin: Admin, topics: readonly string[]): Promise<CatchUp> {
    const remaining = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    }
    return new CatchUp(remaining);
  }

  /**
   * Follows a consumer's progress. kafkajs hands batches that hold only transaction markers or
   * aborted records to no handler, but still reports them here; counting only delivered
   * messages would never reach an end offset that lies past a commit marker.
   */
  follow(consumer: Consumer, onProgress: () => void): void {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.reached(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n);
      onProgress();
    });
  }

  get done(): boolean {
    return this.remaining.size === 0;
  }

  /** Partitions replayed so far, of those that had records at start. */
  get progress(): { partitionsDone: number; partitions: number } {
    return { partitionsDone: this.total - this.remaining.size, partitions: this.total };
  }

  /** Records that `topic/partition` has been read up to (not including) `nextOffset`. */
  reached(topic: string, partition: number, nextOffset: bigint): void {
    const key = `${topic}/${partition}`;
    const target = this.remaining.get(key);
    if (target !== undefined && nextOffset >= target) this.remaining.delete(key);
  }
}
