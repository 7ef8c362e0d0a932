import { describe, expect, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { RideRequest } from '../../lib/schemas/ride-request';
import { DemandModel, EVENT_EVERY_MS, pickWeighted, stadiumLetsOut } from './demand';

function run(seed: number, seconds: number, from = 0): RideRequest[] {
  const model = new DemandModel({ city: bengaluru, seed, requestsPerSecond: 20, riders: 5000 });
  const all: RideRequest[] = [];
  for (let t = 0; t < from + seconds * 1000; t += 100) {
    const batch = model.step(100, 1_790_000_000_000 + t);
    if (t >= from) all.push(...batch);
  }
  return all;
}

describe('DemandModel', () => {
  it('is deterministic for a seed and valid by the schema', () => {
    const a = run(7, 30);
    expect(a).toEqual(run(7, 30));
    expect(a).not.toEqual(run(8, 30));
    for (const r of a) expect(RideRequest.safeParse(r).success).toBe(true);
    expect(new Set(a.map((r) => r.requestId)).size).toBe(a.length);
  });

  it('produces the configured rate on average', () => {
    const n = run(3, 60).length;
    expect(n).toBeGreaterThan(20 * 60 * 0.95);
    expect(n).toBeLessThan(20 * 60 * 1.05);
  });

  it('sends a crowd to the stadium when a match lets out, and none between matches', () => {
    const stadium = bengaluru.landmarks.find((l) => l.kind === 'venue')!;
    const near = (rs: RideRequest[]): number => rs.filter((r) => Math.abs(r.lat - stadium.lat) < 0.003 && Math.abs(r.lon - stadium.lon) < 0.003).length;
    const during = run(5, 60, 3 * 60_000 + 30_000);
    const between = run(5, 60, 3 * 60_000 + EVENT_EVERY_MS / 2);
    expect(stadiumLetsOut(3 * 60_000 + 30_000)).toBe(true);
    expect(stadiumLetsOut(3 * 60_000 + EVENT_EVERY_MS / 2)).toBe(false);
    expect(near(during)).toBeGreaterThan(3 * near(between) + 20);
  });
});

describe('pickWeighted', () => {
  it('draws in proportion to the weights and skips zero weights', () => {
    expect(pickWeighted([1, 0, 1], 0.49)).toBe(0);
    expect(pickWeighted([1, 0, 1], 0.51)).toBe(2);
    expect(pickWeighted([0, 0, 5], 0)).toBe(2);
  });
});
