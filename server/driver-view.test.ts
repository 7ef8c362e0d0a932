import { describe, expect, it } from 'vitest';
import type { DriverPosition } from '../lib/schemas/driver-location';
import { DriverView } from './driver-view';

const at = (driverId: string, ts: number, lon = 77.6, status: DriverPosition['status'] = 'idle'): DriverPosition => ({
  driverId,
  lat: 12.97,
  lon,
  status,
  headingDeg: 45,
  speedKmh: 20,
  ts,
});

describe('DriverView', () => {
  it('keeps the latest position per driver', () => {
    const view = new DriverView();
    view.apply(at('a', 1, 77.1));
    view.apply(at('a', 2, 77.2));
    view.apply(at('b', 1));
    expect(view.size).toBe(2);
    expect(view.snapshot().find((t) => t[0] === 'a')).toEqual(['a', 77.2, 12.97, 0, 45, 2]);
  });

  it('ignores a replayed position (same event time) without sending it again', () => {
    const view = new DriverView();
    view.apply(at('a', 5, 77.5));
    view.takeDelta();
    expect(view.apply(at('a', 5, 77.5))).toBe(false);
    expect(view.takeDelta()).toBeNull();
  });

  it('ignores a position older than the one it holds', () => {
    const view = new DriverView();
    view.apply(at('a', 5, 77.5));
    expect(view.apply(at('a', 4, 77.4))).toBe(false);
    expect(view.snapshot()[0]![1]).toBe(77.5);
  });

  it('conflates changes between deltas to the latest per driver', () => {
    const view = new DriverView();
    view.apply(at('a', 1, 77.1));
    view.apply(at('a', 2, 77.2));
    view.apply(at('a', 3, 77.3, 'on_trip'));
    expect(view.takeDelta()).toEqual({ upserts: [['a', 77.3, 12.97, 2, 45, 3]], removals: [], assigned: [[0, 'a']] });
    expect(view.takeDelta()).toBeNull();
    expect(view.takeConflatedCount()).toBe(2);
    expect(view.takeConflatedCount()).toBe(0);
  });

  it('reports removals, and a driver removed then seen again as an upsert', () => {
    const view = new DriverView();
    view.apply(at('a', 1));
    view.apply(at('b', 1));
    view.takeDelta();
    view.remove('a');
    expect(view.takeDelta()).toEqual({ upserts: [], removals: [['a', 0]], assigned: [] });
    view.remove('b');
    view.apply(at('b', 2));
    expect(view.takeDelta()).toEqual({ upserts: [['b', 77.6, 12.97, 0, 45, 2]], removals: [], assigned: [] });
  });

  it('tracks the newest event time applied', () => {
    const view = new DriverView();
    view.apply(at('a', 10));
    view.apply(at('b', 30));
    view.apply(at('c', 20));
    expect(view.newestEventTime).toBe(30);
  });

  it('expires drivers that stopped reporting and sends them as removals', () => {
    const view = new DriverView();
    view.apply(at('quiet', 1_000));
    view.apply(at('busy', 9_000));
    view.takeDelta();
    expect(view.expireOlderThan(5_000)).toBe(1);
    expect(view.snapshot().map((t) => t[0])).toEqual(['busy']);
    expect(view.takeDelta()).toMatchObject({ upserts: [], removals: [['quiet', 0]] });
  });

  it('expires nothing when every driver is recent', () => {
    const view = new DriverView();
    view.apply(at('a', 9_000));
    expect(view.expireOlderThan(5_000)).toBe(0);
  });

  it('numbers drivers in order of first sight, and gives a slot to a new driver once its removal went out', () => {
    const view = new DriverView();
    view.apply(at('a', 1));
    view.apply(at('b', 1));
    expect(view.takeDelta()).toMatchObject({ assigned: [[0, 'a'], [1, 'b']] });
    view.remove('a');
    // Not yet: the delta telling clients that slot 0 is empty has not been taken.
    view.apply(at('c', 2));
    expect(view.takeDelta()).toMatchObject({ removals: [['a', 0]], assigned: [[2, 'c']] });
    expect(view.dictionary()).toEqual(['', 'b', 'c']);
    view.apply(at('a', 3));
    expect(view.takeDelta()).toMatchObject({ assigned: [[0, 'a']] });
    expect(view.dictionary()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a slot for a driver removed and seen again before the next delta', () => {
    const view = new DriverView();
    view.apply(at('a', 1));
    view.takeDelta();
    view.remove('a');
    view.apply(at('a', 2));
    expect(view.takeDelta()).toEqual({ upserts: [['a', 77.6, 12.97, 0, 45, 2]], removals: [], assigned: [] });
    expect(view.indexFor('a')).toBe(0);
  });

  it('with a churning fleet (3,000 active, 100,000 ids over the run) stays as large as the fleet, and a client that reads every delta agrees', () => {
    const view = new DriverView();
    const client = { dictionary: [] as string[], drivers: new Map<string, number>() };
    const read = (d: NonNullable<ReturnType<DriverView['takeDelta']>>): void => {
      for (const [slot, id] of d.assigned) client.dictionary[slot] = id;
      for (const [id, lon] of d.upserts.map((t) => [client.dictionary[view.indexFor(t[0])]!, t[1]] as const)) client.drivers.set(id, lon);
      for (const [, slot] of d.removals) client.drivers.delete(client.dictionary[slot]!);
    };
    const active = 3_000;
    let nextId = 0;
    let fleet = Array.from({ length: active }, () => `d${nextId++}`);
    let maxSlots = 0;
    for (let second = 1; nextId < 100_000; second++) {
      // 40 drivers log off a second and 40 new ones start; the rest move.
      fleet = [...fleet.slice(40), ...Array.from({ length: 40 }, () => `d${nextId++}`)];
      for (const [i, id] of fleet.entries()) view.apply(at(id, second * 1000, 77 + i / 1e4));
      view.expireOlderThan(second * 1000 - 5_000);
      const delta = view.takeDelta();
      if (delta) read(delta);
      maxSlots = Math.max(maxSlots, view.slots);
    }
    expect(nextId).toBeGreaterThanOrEqual(100_000);
    // The fleet, plus those that left within the TTL (5 s of 40 a second), not every id ever seen.
    expect(view.size).toBe(active + 5 * 40);
    expect(maxSlots).toBeLessThanOrEqual(active + 6 * 40);
    expect(view.dictionary().filter(Boolean)).toHaveLength(view.size);
    expect(new Map(view.snapshot().map((t) => [t[0], t[1]]))).toEqual(client.drivers);
  });
});
