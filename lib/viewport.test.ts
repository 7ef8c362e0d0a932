import { describe, expect, it } from 'vitest';
import { bengaluru } from './city';
import { contains, covers, padded, Viewport } from './viewport';

const v = { west: 77.5, south: 12.9, east: 77.7, north: 13.0 };

describe('viewport', () => {
  it.each([
    [77.6, 12.95, true],
    [77.5, 12.9, true],
    [77.75, 12.95, false],
    [77.6, 13.01, false],
  ])('contains (%d, %d): %s', (lon, lat, inside) => {
    expect(contains(v, lon, lat)).toBe(inside);
  });

  it('pads on every side', () => {
    const p = padded(v, 0.5);
    expect(p.west).toBeCloseTo(77.4, 9);
    expect(p.east).toBeCloseTo(77.8, 9);
    expect(p.south).toBeCloseTo(12.85, 9);
    expect(p.north).toBeCloseTo(13.05, 9);
  });

  it('knows when a viewport shows the whole city', () => {
    expect(covers(v, bengaluru.bbox)).toBe(false);
    expect(covers({ west: 77, south: 12, east: 78, north: 14 }, bengaluru.bbox)).toBe(true);
  });

  it.each([
    [{ west: 77.7, south: 12.9, east: 77.5, north: 13 }, false],
    [{ west: 77.5, south: 12.9, east: 77.7 }, false],
    [{ west: -200, south: 12.9, east: 77.7, north: 13 }, false],
    [v, true],
  ])('validates %j: %s', (input, ok) => {
    expect(Viewport.safeParse(input).success).toBe(ok);
  });
});
