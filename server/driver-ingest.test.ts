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

  it('applies newer positions, skips stale and invalid ones, and removes a driver on a tombstone', async () => {
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
    expect(outcomes).toEqual(['applied', 'stale', 'applied', 'invalid', 'tombstone', 'invalid']);
    expect(view.snapshot().map((t) => [t[0], t[5]])).toEqual([['a', 2]]);
    expect(ingest.stats).toEqual({ records: 6, applied: 2, stale: 1, tombstones: 1, invalid: 2, rebuilds: 0 });
  });
});
