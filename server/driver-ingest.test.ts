import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DriverIngest } from './driver-ingest';
import { DriverView } from './driver-view';

/** Just enough of a kafkajs consumer: lifecycle calls are recorded, events can be fired. */
class FakeConsumer extends EventEmitter {
  readonly events = { FETCH: 'consumer.fetch', CRASH: 'consumer.crash', END_BATCH_PROCESS: 'consumer.end_batch_process' };
  calls: string[] = [];
  async connect() {
    this.calls.push('connect');
  }
  async subscribe() {
    this.calls.push('subscribe');
  }
  async run() {
    this.calls.push('run');
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
}

function fakeKafka() {
  const consumers: FakeConsumer[] = [];
  const admin = { connect: async () => undefined, disconnect: async () => undefined, fetchTopicOffsets: async () => [] };
  const kafka = {
    consumer: () => {
      const c = new FakeConsumer();
      consumers.push(c);
      return c;
    },
    admin: () => admin,
  } as unknown as Kafka;
  return { kafka, consumers };
}

afterEach(() => vi.useRealTimers());

describe('DriverIngest', () => {
  it('rebuilds a consumer that kafkajs gave up on, and leaves one it restarts itself', async () => {
    vi.useFakeTimers();
    const { kafka, consumers } = fakeKafka();
    const ingest = new DriverIngest({ kafka, groupId: 't', view: new DriverView(), log: pino({ level: 'silent' }) });
    await ingest.start();
    expect(consumers).toHaveLength(1);

    consumers[0]!.emit('consumer.crash', { payload: { error: new Error('retriable'), restart: true } });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(consumers).toHaveLength(1);

    consumers[0]!.emit('consumer.crash', { payload: { error: new Error('group authorization failed'), restart: false } });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.calls.at(-1)).toBe('disconnect');
    expect(consumers[1]!.calls).toEqual(['connect', 'subscribe', 'run']);
    expect(ingest.stats.rebuilds).toBe(1);
  });

  it('reports degraded when fetches stop, and recovers when they resume', async () => {
    let now = 1_000_000;
    const { kafka, consumers } = fakeKafka();
    const ingest = new DriverIngest({ kafka, groupId: 't', view: new DriverView(), log: pino({ level: 'silent' }), clock: { now: () => now } });
    await ingest.start();
    consumers[0]!.emit('consumer.fetch', {});
    now += 4_000;
    expect(ingest.degraded).toBe(false);
    now += 2_000;
    expect(ingest.degraded).toBe(true);
    consumers[0]!.emit('consumer.fetch', {});
    expect(ingest.degraded).toBe(false);
  });

  it('is ready at once when the topic is empty', async () => {
    const { kafka } = fakeKafka();
    const ingest = new DriverIngest({ kafka, groupId: 't', view: new DriverView(), log: pino({ level: 'silent' }) });
    expect(ingest.ready).toBe(false);
    await ingest.start();
    expect(ingest.ready).toBe(true);
  });
});
