import { describe, expect, it } from 'vitest';
import { surgeColor, surgePolygons } from './surge-layer';

const cell = (multiplier: number) => ({ cell: '8861892c9bfffff', windowStart: 0, windowEnd: 60_000, demand: 6, supply: 2, multiplier });

describe('surge layer', () => {
  it('draws only surging cells, as closed hexagons around the cell', () => {
    const polygons = surgePolygons([cell(1), cell(2)]);
    expect(polygons).toHaveLength(1);
    const ring = polygons[0]!.polygon;
    expect(ring.length).toBeGreaterThanOrEqual(7);
    for (const [lon, lat] of ring) {
      expect(lon).toBeGreaterThan(77);
      expect(lon).toBeLessThan(78.5);
      expect(lat).toBeGreaterThan(12);
      expect(lat).toBeLessThan(14);
    }
  });

  it('gets redder and more opaque as surge rises', () => {
    const [low, high] = [surgeColor(1.1), surgeColor(3)];
    expect(high[1]).toBeLessThan(low[1]);
    expect(high[3]).toBeGreaterThan(low[3]);
    expect(surgeColor(9)).toEqual(surgeColor(3));
  });
});
