import { EventEmitter } from 'node:events';
import type { Kafka, KafkaMessage } from 'kafkajs';

/**
 * Just enough of kafkajs: each consumer records its lifecycle calls and seeks, its batches are
 * fed by the test, events can be fired; the admin knows each partition's offsets.
 */
export class FakeConsumer extends EventEmitter {
  readonly events = { FETCH: 'consumer.fetch', CRASH: 'consumer.crash', END_BATCH_PROCESS: 'consumer.end_batch_process' };
  calls: string[] = [];
  seeks: { topic: string; partition: number; offset: string }[] = [];
  private eachBatch: ((p: { batch: { topic: string; partition: number; messages: KafkaMessage[] } }) => Promise<void>) | null = null;
  failRun = false;
  async connect() {
    this.calls.push('connect');
  }
  async subscribe() {
    this.calls.push('subscribe');
  }
  async run(o: { eachBatch: NonNullable<FakeConsumer['eachBatch']> }) {
    if (this.failRun) throw new Error('broker unreachable');
    this.calls.push('run');
    this.eachBatch = o.eachBatch;
  }
  seek(s: { topic: string; partition: number; offset: string }) {
    this.seeks.push(s);
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
  /** Delivers records at `offsets` of `topic`/partition 0 as one batch, and reports it done. */
  async deliver(offsets: number[], value: (o: number) => { key?: string; value: string | null } = (o) => ({ value: JSON.stringify({ n: o }) }), topic = 't') {
    const messages = offsets.map((o) => {
      const r = value(o);
      return { offset: String(o), key: r.key === undefined ? null : Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestamp: '0', attributes: 0, headers: {} } as unknown as KafkaMessage;
    });
    await this.eachBatch!({ batch: { topic, partition: 0, messages } });
    this.emit('consumer.fetch', {});
    this.emit('consumer.end_batch_process', { payload: { topic, partition: 0, lastOffset: String(offsets.at(-1)) } });
  }
}

export function fakeKafka(offsets: { low: string; high: string } = { low: '0', high: '0' }) {
  const consumers: FakeConsumer[] = [];
  let failNext = 0;
  const admin = { connect: async () => undefined, disconnect: async () => undefined, fetchTopicOffsets: async () => [{ partition: 0, ...offsets }] };
  const groups: string[] = [];
  const kafka = {
    consumer: (config: { groupId: string }) => {
      groups.push(config.groupId);
      const c = new FakeConsumer();
      c.failRun = failNext-- > 0;
      consumers.push(c);
      return c;
    },
    admin: () => admin,
  } as unknown as Kafka;
  return { kafka, consumers, groups, failNextRuns: (n: number) => (failNext = n) };
}
