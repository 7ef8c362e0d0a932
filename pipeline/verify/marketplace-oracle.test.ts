import { describe, expect, it } from 'vitest';
import { percentile, recomputeMarketplace } from './marketplace-oracle';

const event = (kind: string, requestId: string, ts: number, extra: object = {}) => Buffer.from(JSON.stringify({ eventId: `${requestId}:${kind}`, kind, requestId, ts, ...extra }));

describe('percentile', () => {
  it('is continuous: linear between the two nearest ranks (as Flink, Spark and Hive compute it)', () => {
    expect(percentile([0, 10, 10], 0.3)).toBeCloseTo(6, 10);
    expect(percentile([0, 10], 0.25)).toBe(2.5);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('recomputeMarketplace', () => {
  it('counts each step once per minute, the longest wait of its copies, and leaves out what the schema refuses', () => {
    const m = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
    const minutes = recomputeMarketplace([
      event('assigned', 'r1', m + 1, { driverId: 'd1', distanceM: 900 }),
      event('assigned', 'r1', m + 2, { driverId: 'd1', distanceM: 900 }),
      event('assigned', 'r2', m + 3, { driverId: 'd2' }),
      event('cancelled', 'r3', m + 4, { waitMs: 90_000 }),
      event('started', 'r4', m + 5, { driverId: 'd4', waitMs: 100_000 }),
      event('started', 'r4', m + 6, { driverId: 'd4', waitMs: 300_000 }),
      event('started', 'r5', m + 7, { driverId: 'd5', waitMs: 200_000 }),
      event('started', 'r6', m + 8, { driverId: 'd6' }),
      event('completed', 'r7', m + 60_001, { driverId: 'd7' }),
      event('teleported', 'r8', m + 9),
      Buffer.from('{"eventId":'),
      null,
    ]);
    expect(minutes.get(m)).toEqual({
      windowStart: m, windowEnd: m + 60_000, assigned: 2, unfulfilled: 1, fulfilment: 2 / 3,
      pickupEtaP50Ms: 250_000, pickupEtaP90Ms: 290_000, tripsStarted: 3, tripsCompleted: 0,
    });
    expect(minutes.get(m + 60_000)).toMatchObject({ tripsCompleted: 1, fulfilment: null, pickupEtaP50Ms: null });
  });
});
