import { describe, expect, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { distanceMeters } from '../../lib/geo';
import { DriverLocation } from '../../lib/schemas/driver-location';
import { Fleet } from './fleet';

function run(seed: number, drivers: number, seconds: number): Fleet {
  const fleet = new Fleet({ city: bengaluru, drivers, seed });
  for (let s = 0; s < seconds * 10; s++) fleet.step(100);
  return fleet;
}

describe('Fleet', () => {
  it('is deterministic: the same seed gives the same drivers in the same places', () => {
    const a = run(7, 200, 120).drivers.map((d) => [d.id, d.status, d.position]);
    const b = run(7, 200, 120).drivers.map((d) => [d.id, d.status, d.position]);
    expect(a).toEqual(b);
  });

  it('gives a different city life for a different seed', () => {
    const a = run(7, 200, 60).drivers.map((d) => d.position);
    const b = run(8, 200, 60).drivers.map((d) => d.position);
    expect(a).not.toEqual(b);
  });

  it('moves drivers no faster than city traffic allows', () => {
    const fleet = new Fleet({ city: bengaluru, drivers: 300, seed: 3 });
    for (let s = 0; s < 600; s++) {
      const before = fleet.drivers.map((d) => d.position);
      fleet.step(1000);
      fleet.drivers.forEach((d, i) => {
        const kmh = (distanceMeters(before[i]!, d.position) / 1000) * 3600;
        expect(kmh).toBeLessThanOrEqual(45.01);
      });
    }
  });

  it('keeps drivers in the city and on the move', () => {
    const fleet = new Fleet({ city: bengaluru, drivers: 500, seed: 11 });
    const start = fleet.drivers.map((d) => d.position);
    for (let s = 0; s < 300; s++) fleet.step(1000);
    const { west, south, east, north } = bengaluru.bbox;
    for (const d of fleet.drivers) {
      expect(d.position.lon).toBeGreaterThanOrEqual(west);
      expect(d.position.lon).toBeLessThanOrEqual(east);
      expect(d.position.lat).toBeGreaterThanOrEqual(south);
      expect(d.position.lat).toBeLessThanOrEqual(north);
    }
    const moved = fleet.drivers.filter((d, i) => distanceMeters(start[i]!, d.position) > 100).length;
    expect(moved / fleet.drivers.length).toBeGreaterThan(0.5);
  });

  it('has a working mix of statuses after an hour', () => {
    const fleet = run(5, 1000, 3600);
    const share = (status: string) => fleet.drivers.filter((d) => d.status === status).length / fleet.drivers.length;
    expect(share('idle')).toBeGreaterThan(0.08);
    expect(share('en_route')).toBeGreaterThan(0.05);
    expect(share('on_trip')).toBeGreaterThan(0.3);
    expect(share('offline')).toBeLessThan(0.15);
    // An hour of a 1,000-driver fleet is a few seconds of CPU: more than the default on a busy 2-core runner.
  }, 30_000);

  it('reports locations that satisfy the DriverLocation schema', () => {
    const fleet = run(9, 300, 90);
    for (const d of fleet.drivers) {
      expect(DriverLocation.safeParse(fleet.location(d, 1_790_000_000_000)).success).toBe(true);
    }
  });

  it('names drivers with stable, sortable ids', () => {
    const fleet = new Fleet({ city: bengaluru, drivers: 3, seed: 1 });
    expect(fleet.drivers.map((d) => d.id)).toEqual(['drv-00001', 'drv-00002', 'drv-00003']);
  });
});
