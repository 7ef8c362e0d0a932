import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { topics } from '../lib/topics';
import { DriverIngest } from './driver-ingest';
import { DriverView } from './driver-view';
import { fakeKafka } from './testing/fake-kafka';

const position = (driverId: string, ts: number) => JSON.stringify({ driverId, lat: 12.97, lon: 77.6, status: 'idle', headingDeg: 0, speedKmh: 0, ts });

describe('DriverIngest', () => {
  it('is ready at once when the topic is empty', async () => {
    const { kafka } = fakeKafka();
    const ingest = new DriverIngest({ kafka, groupId: 't', view: new DriverView(), log: pino({ level: 'silent' }) });
    expect(ingest.ready).toBe(false);
    await ingest.start();
    expect(ingest.ready).toBe(true);
  });

  it('applies newer positions, skips stale and invalid ones, and counts and ignores tombstones (a driver leaves by TTL or status)', async () => {
    const { kafka, consumers } = fakeKafka();
    const view = new DriverView();
    const outcomes: string[] = [];
    const ingest = new DriverIngest({ kafka, groupId: 't', view, log: pino({ level: 'silent' }), count: (o) => outcomes.push(o) });
    await ingest.start();
    const records = [
      { key: 'a', value: position('a', 2) },
      { key: 'a', value: position('a', 1) },
      { key: 'b', value: position('b', 1) },
      { key: 'c', value: '{"driverId":"c","lat":' },
      { key: 'b', value: null },
      { value: null },
    ];
    await consumers[0]!.deliver(records.map((_, i) => i), (i) => records[i]!, topics.driversPositions.name);
    expect(outcomes).toEqual(['applied', 'stale', 'applied', 'invalid', 'invalid', 'invalid']);
    expect(view.snapshot().map((t) => [t[0], t[5]])).toEqual([['a', 2], ['b', 1]]);
    expect(ingest.stats).toEqual({ records: 6, applied: 2, stale: 1, tombstones: 2, invalid: 3, rebuilds: 0 });
  });
});

describe('DriverIngest and time', () => {
  it('refuses a position dated beyond the future bound, so it neither pins the driver nor the freshness', async () => {
    const { kafka, consumers } = fakeKafka();
    const view = new DriverView();
    const outcomes: string[] = [];
    const now = 1_800_000_000_000;
    const ingest = new DriverIngest({ kafka, groupId: 't', view, log: pino({ level: 'silent' }), count: (o) => outcomes.push(o), clock: { now: () => now } });
    await ingest.start();
    const records = [
      { key: 'a', value: position('a', 32_503_680_000_000) },
      { key: 'a', value: position('a', now - 1000) },
      { key: 'b', value: position('b', now + 60_000) },
    ];
    await consumers[0]!.deliver(records.map((_, i) => i), (i) => records[i]!, topics.driversPositions.name);
    expect(outcomes).toEqual(['invalid', 'applied', 'applied']);
    expect(view.snapshot().map((t) => [t[0], t[5]])).toEqual([['a', now - 1000], ['b', now + 60_000]]);
    // A few seconds ahead (clock skew) is taken, but freshness never reads later than now.
    expect(view.newestEventTime).toBeLessThanOrEqual(Date.now());
  });
});
