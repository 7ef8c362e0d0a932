import { describe, expect, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { distanceMeters } from '../../lib/geo';
import type { DriverStatus } from '../../lib/schemas/driver-location';
import { Marketplace, marketplaceFigures, requestsPerDriverSecond, type TripStep } from './marketplace';

/** `minutes` of a city of `drivers`, stepped a second at a time. */
function run(seed: number, drivers: number, requestsPerSecond: number, minutes: number, each?: (m: Marketplace) => void) {
  const m = new Marketplace({ city: bengaluru, drivers, seed, requestsPerSecond });
  const events: TripStep[] = [];
  const samples: Record<DriverStatus, number>[] = [];
  let requests = 0;
  for (let s = 1; s <= minutes * 60; s++) {
    const out = m.step(1000, 1_800_000_000_000 + s * 1000);
    requests += out.requests.length;
    events.push(...out.events);
    if (s % 60 === 0) samples.push(m.statusCounts());
    each?.(m);
  }
  return { m, events, requests, samples };
}

describe('Marketplace', () => {
  it('is deterministic: the same seed gives the same rides', () => {
    expect(run(5, 300, 0.3, 6).events).toEqual(run(5, 300, 0.3, 6).events);
  });

  it('takes every ride through assigned, started and completed, with one driver, one ride at a time', () => {
    const { events, m } = run(9, 400, 0.4, 25, (city) => {
      // A dispatched driver on its way to a rider always has the rider's request.
      for (const d of city.fleet.drivers) if (d.status === 'en_route') expect(d.requestId).not.toBeNull();
    });
    const seen = new Map<string, TripStep['kind'][]>();
    const busy = new Map<string, string>();
    for (const e of events) {
      seen.set(e.requestId, [...(seen.get(e.requestId) ?? []), e.kind]);
      if (e.kind === 'assigned') {
        expect(busy.has(e.driverId), `${e.driverId} sent to ${e.requestId} while on ${busy.get(e.driverId)}`).toBe(false);
        busy.set(e.driverId, e.requestId);
      } else if (e.kind === 'started') {
        expect(busy.get(e.driverId)).toBe(e.requestId);
      } else if (e.kind === 'completed') {
        expect(busy.get(e.driverId)).toBe(e.requestId);
        busy.delete(e.driverId);
      }
    }
    const orders = new Set([...seen.values()].map((kinds) => kinds.join('>')));
    // In progress at the end, or finished: never out of order, never cancelled after a driver came.
    expect([...orders].sort()).toEqual(['assigned', 'assigned>started', 'assigned>started>completed', 'cancelled'].filter((o) => orders.has(o)).sort());
    expect(orders.has('assigned>started>completed')).toBe(true);
    expect(m.dispatcher.waiting).toBeLessThan(100);
  });

  it('moves dispatched drivers no faster than city traffic allows, also when one is sent elsewhere mid-street', () => {
    let before = new Map<string, { lon: number; lat: number }>();
    run(13, 200, 0.6, 10, (m) => {
      for (const d of m.fleet.drivers) {
        const was = before.get(d.id);
        if (was) expect((distanceMeters(was, d.position) / 1000) * 3600).toBeLessThanOrEqual(45.01);
      }
      before = new Map(m.fleet.drivers.map((d) => [d.id, d.position]));
    });
  });

  it('says how the city went: requests, fulfilment, pickup times and who is doing what', () => {
    const { events, requests, samples } = run(21, 600, 0.4, 20);
    const f = marketplaceFigures(requests, events, samples);
    expect(f.requests).toBe(requests);
    expect(f.assigned + f.cancelled).toBeLessThanOrEqual(requests);
    expect(f.fulfilment).toBeGreaterThan(0);
    expect(f.pickupEtaMin.n).toBeGreaterThan(0);
    expect(f.pickupEtaMin.p90).toBeGreaterThanOrEqual(f.pickupEtaMin.p50);
    expect(Object.values(f.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('at the default fleet serves a city as riders expect: over an hour, 90 % of requests served, pickups in minutes, a working fleet', () => {
    const drivers = 3_000;
    const { events, requests, samples } = run(42, drivers, drivers * requestsPerDriverSecond, 60);
    const f = marketplaceFigures(requests, events, samples);
    console.log(`[marketplace] ${drivers} drivers, an hour: ${JSON.stringify(f)}`);
    expect(f.fulfilment).toBeGreaterThanOrEqual(0.9);
    expect(f.pickupEtaMin.p50).toBeLessThanOrEqual(6);
    expect(f.pickupEtaMin.p90).toBeLessThanOrEqual(15);
    expect(f.shares.idle).toBeGreaterThan(0.15);
    expect(f.shares.idle).toBeLessThan(0.45);
    expect(f.shares.on_trip).toBeGreaterThan(0.4);
  }, 60_000);
});
