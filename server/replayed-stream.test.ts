import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplayedStream, type Handled, type StreamRecord } from './replayed-stream';
import { fakeKafka } from './testing/fake-kafka';

const silent = pino({ level: 'silent' });
afterEach(() => vi.useRealTimers());

function stream(kafka: Kafka, handle: (r: StreamRecord) => Handled, extra: Partial<ConstructorParameters<typeof ReplayedStream>[0]> = {}) {
  const counted: string[] = [];
  const s = new ReplayedStream({ kafka, name: 'alerts', groupId: 'g', topics: ['t'], handle, log: silent, count: (topic, outcome) => counted.push(`${topic}:${outcome}`), ...extra });
  return { s, counted };
}

describe('ReplayedStream', () => {
  it('is ready once it has read up to the end offsets seen at start', async () => {
    const { kafka, consumers } = fakeKafka({ low: '0', high: '3' });
    const { s } = stream(kafka, () => 'applied');
    await s.start();
    expect(s.ready).toBe(false);
    await consumers[0]!.deliver([0, 1]);
    expect([s.ready, s.health.catchUp]).toEqual([false, { partitionsDone: 0, partitions: 1 }]);
    await consumers[0]!.deliver([2]);
    expect(s.ready).toBe(true);
  });

  it('counts outcomes, and logs and counts invalid records and handlers that throw without stopping', async () => {
    const { kafka, consumers } = fakeKafka();
    const seen: number[] = [];
    const { s, counted } = stream(kafka, ({ message }) => {
      const n = Number(message.offset);
      if (n === 1) return { invalid: 'n: expected a string' };
      if (n === 2) throw new Error('a bug');
      seen.push(n);
      return 'applied';
    });
    await s.start();
    await consumers[0]!.deliver([0, 1, 2, 3]);
    expect(seen).toEqual([0, 3]);
    expect(counted).toEqual(['t:applied', 't:invalid', 't:failed', 't:applied']);
    expect(s.stats).toEqual({ records: 4, invalid: 1, failed: 1, rebuilds: 0 });
  });

  it('rebuilds a crashed consumer, degraded meanwhile, resuming past what it handed over', async () => {
    vi.useFakeTimers();
    const { kafka, consumers } = fakeKafka();
    const seen: number[] = [];
    const { s } = stream(kafka, ({ message }) => (seen.push(Number(message.offset)), 'applied'));
    await s.start();
    await consumers[0]!.deliver([0, 1, 2]);

    consumers[0]!.emit('consumer.crash', { payload: { error: new Error('group authorization failed'), restart: false } });
    expect(s.degraded).toBe(true);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.calls.at(-1)).toBe('disconnect');
    expect(consumers[1]!.calls).toEqual(['connect', 'subscribe', 'run']);
    expect(consumers[1]!.seeks).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
    expect(s.degraded).toBe(false);
    // What a fetch already under way delivers from before the seek is not handed over twice.
    await consumers[1]!.deliver([1, 2, 3, 4]);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(s.stats.rebuilds).toBe(1);
  });

  it('keeps trying a rebuild that fails, backing off, until one runs', async () => {
    vi.useFakeTimers();
    const { kafka, consumers, groups, failNextRuns } = fakeKafka();
    const { s } = stream(kafka, () => 'applied', { rebuildDelayMs: { initial: 100, max: 400 } });
    await s.start();
    failNextRuns(3);
    consumers[0]!.emit('consumer.crash', { payload: { error: new Error('fatal'), restart: false } });
    // Rebuilds after 100, then 200, then 400 (cap), then 400 ms.
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 - 1);
    expect(consumers).toHaveLength(3);
    expect(s.degraded).toBe(true);
    await vi.advanceTimersByTimeAsync(1 + 400);
    expect(consumers).toHaveLength(5);
    expect(consumers[4]!.calls).toEqual(['connect', 'subscribe', 'run']);
    expect(s.degraded).toBe(false);
    expect(s.stats.rebuilds).toBe(4);
    // Each consumer in a group of its own: none waits for a crashed one's session to end.
    expect(groups).toEqual(['g', 'g-r1', 'g-r2', 'g-r3', 'g-r4']);
  });

  it('reads only the newest `tail` records of a long partition', async () => {
    const { kafka, consumers } = fakeKafka({ low: '100', high: '10000' });
    const seen: number[] = [];
    const { s } = stream(kafka, ({ message }) => (seen.push(Number(message.offset)), 'applied'), { tail: 500 });
    await s.start();
    expect(consumers[0]!.seeks).toEqual([{ topic: 't', partition: 0, offset: '9500' }]);
    // A fetch that raced the seek hands nothing over from before the tail.
    await consumers[0]!.deliver([100, 101, 9500, 9999]);
    expect(seen).toEqual([9500, 9999]);
    expect(s.ready).toBe(true);
  });

  it('reports degraded when fetches stop, and recovers when they resume', async () => {
    let now = 1_000_000;
    const { kafka, consumers } = fakeKafka();
    const { s } = stream(kafka, () => 'applied', { clock: { now: () => now } });
    await s.start();
    consumers[0]!.emit('consumer.fetch', {});
    now += 4_000;
    expect(s.degraded).toBe(false);
    now += 2_000;
    expect(s.degraded).toBe(true);
    consumers[0]!.emit('consumer.fetch', {});
    expect(s.degraded).toBe(false);
  });

  it('does not rebuild after it was stopped', async () => {
    vi.useFakeTimers();
    const { kafka, consumers } = fakeKafka();
    const { s } = stream(kafka, () => 'applied');
    await s.start();
    consumers[0]!.emit('consumer.crash', { payload: { error: new Error('fatal'), restart: false } });
    await s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(consumers).toHaveLength(1);
  });
});
