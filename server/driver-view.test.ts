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
    expect(view.takeDelta()).toEqual({ upserts: [['a', 77.3, 12.97, 2, 45, 3]], removals: [], base: 0, newIds: ['a'] });
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
    expect(view.takeDelta()).toEqual({ upserts: [], removals: ['a'], base: 2, newIds: [] });
    view.remove('b');
    view.apply(at('b', 2));
    expect(view.takeDelta()).toEqual({ upserts: [['b', 77.6, 12.97, 0, 45, 2]], removals: [], base: 2, newIds: [] });
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
    expect(view.takeDelta()).toMatchObject({ upserts: [], removals: ['quiet'] });
  });

  it('expires nothing when every driver is recent', () => {
    const view = new DriverView();
    view.apply(at('a', 9_000));
    expect(view.expireOlderThan(5_000)).toBe(0);
  });

  it('numbers drivers once, in order of first sight, and keeps the number after removal', () => {
    const view = new DriverView();
    view.apply(at('a', 1));
    view.apply(at('b', 1));
    expect(view.takeDelta()).toMatchObject({ base: 0, newIds: ['a', 'b'] });
    view.remove('a');
    view.apply(at('c', 2));
    view.apply(at('a', 3));
    expect(view.takeDelta()).toMatchObject({ base: 2, newIds: ['c'] });
    expect(view.dictionary()).toEqual(['a', 'b', 'c']);
    expect(view.indexFor('a')).toBe(0);
  });
});
