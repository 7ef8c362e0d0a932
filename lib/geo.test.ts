import { describe, expect, it } from 'vitest';
import { bearingDeg, distanceMeters, interpolate } from './geo';

const mgRoad = { lon: 77.605, lat: 12.9756 };
const koramangala = { lon: 77.6245, lat: 12.9352 };

describe('geo', () => {
  it('measures MG Road to Koramangala as about 5 km', () => {
    expect(distanceMeters(mgRoad, koramangala)).toBeGreaterThan(4_800);
    expect(distanceMeters(mgRoad, koramangala)).toBeLessThan(5_200);
  });

  it('gives bearings clockwise from north', () => {
    expect(bearingDeg({ lon: 77, lat: 12 }, { lon: 77, lat: 13 })).toBeCloseTo(0, 5);
    expect(bearingDeg({ lon: 77, lat: 12 }, { lon: 78, lat: 12 })).toBeCloseTo(90, 0);
    expect(bearingDeg({ lon: 77, lat: 13 }, { lon: 77, lat: 12 })).toBeCloseTo(180, 5);
  });

  it('interpolates along a segment', () => {
    expect(interpolate(mgRoad, koramangala, 0)).toEqual(mgRoad);
    expect(interpolate(mgRoad, koramangala, 1)).toEqual(koramangala);
    expect(interpolate(mgRoad, koramangala, 0.5).lat).toBeCloseTo((mgRoad.lat + koramangala.lat) / 2, 9);
  });
});
