import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceMeters, type LonLat } from '../../lib/geo';
import { Dispatcher, type IdleDriver, type OpenRequest } from './dispatch';

const centre: LonLat = { lon: 77.6, lat: 12.97 };
/** A point `eastM` and `northM` metres from the centre. */
const at = (eastM: number, northM: number): LonLat => ({
  lon: centre.lon + eastM / (111_320 * Math.cos((centre.lat * Math.PI) / 180)),
  lat: centre.lat + northM / 111_320,
});
const req = (id: string, where: LonLat, createdMs = 0): OpenRequest => ({ requestId: id, riderId: `rdr-${id}`, at: where, createdMs });
const drv = (id: string, where: LonLat): IdleDriver => ({ driverId: id, at: where });

describe('Dispatcher', () => {
  it('sends the nearest idle driver within the radius, and no one farther', () => {
    const d = new Dispatcher({ radiusM: 2_000, timeoutMs: 60_000 });
    d.request(req('r1', at(0, 0)));
    const { assigned } = d.match(1_000, [drv('far', at(2_500, 0)), drv('near', at(0, 900)), drv('nearer', at(-400, 300))]);
    expect(assigned.map((a) => [a.request.requestId, a.driverId])).toEqual([['r1', 'nearer']]);
    expect(assigned[0]!.distanceM).toBeCloseTo(500, -1);
    expect(d.waiting).toBe(0);
  });

  it('serves the oldest request first when two want the same driver', () => {
    const d = new Dispatcher({ radiusM: 3_000, timeoutMs: 60_000 });
    d.request(req('older', at(1_000, 0), 0));
    d.request(req('newer', at(100, 0), 5_000));
    const { assigned } = d.match(6_000, [drv('only', at(0, 0))]);
    expect(assigned.map((a) => a.request.requestId)).toEqual(['older']);
    expect(d.waiting).toBe(1);
  });

  it('keeps a request no one can reach until the timeout, then cancels it with the wait', () => {
    const d = new Dispatcher({ radiusM: 1_000, timeoutMs: 90_000 });
    d.request(req('r1', at(0, 0), 10_000));
    expect(d.match(50_000, [drv('far', at(5_000, 0))])).toEqual({ assigned: [], cancelled: [] });
    const { cancelled } = d.match(100_000, [drv('far', at(5_000, 0))]);
    expect(cancelled.map((c) => [c.request.requestId, c.waitedMs])).toEqual([['r1', 90_000]]);
    expect(d.waiting).toBe(0);
  });

  it('holds at most maxOpen requests, cancelling the oldest beyond it', () => {
    const d = new Dispatcher({ radiusM: 1_000, timeoutMs: 600_000, maxOpen: 2 });
    for (let i = 1; i <= 4; i++) d.request(req(`r${i}`, at(0, 0), i));
    const { cancelled } = d.match(10, []);
    expect(cancelled.map((c) => c.request.requestId)).toEqual(['r1', 'r2']);
    expect(d.waiting).toBe(2);
  });

  it('matches as a search of every driver would: oldest first, each to its nearest free driver in reach', () => {
    const point = fc.record({ e: fc.integer({ min: -8_000, max: 8_000 }), n: fc.integer({ min: -8_000, max: 8_000 }) }).map(({ e, n }) => at(e, n));
    fc.assert(
      fc.property(fc.array(point, { maxLength: 30 }), fc.array(point, { maxLength: 40 }), fc.integer({ min: 200, max: 4_000 }), (requests, drivers, radiusM) => {
        const d = new Dispatcher({ radiusM, timeoutMs: 60_000 });
        requests.forEach((p, i) => d.request(req(`r${i}`, p, i)));
        const idle = drivers.map((p, i) => drv(`d${i}`, p));
        const got = d.match(100, idle).assigned.map((a) => [a.request.requestId, a.driverId]);

        const free = [...idle];
        const want: string[][] = [];
        requests.forEach((p, i) => {
          let best = -1;
          for (let j = 0; j < free.length; j++) {
            const dist = distanceMeters(p, free[j]!.at);
            if (dist <= radiusM && (best < 0 || dist < distanceMeters(p, free[best]!.at))) best = j;
          }
          if (best >= 0) want.push([`r${i}`, free.splice(best, 1)[0]!.driverId]);
        });
        // Equal distances may pick either driver; the pairs' distances must agree.
        expect(got.map(([r]) => r)).toEqual(want.map(([r]) => r));
        const dist = (pairs: string[][]) => pairs.map(([r, dr]) => Math.round(distanceMeters(requests[Number(r!.slice(1))]!, drivers[Number(dr!.slice(1))]!)));
        expect(dist(got)).toEqual(dist(want));
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });
});
