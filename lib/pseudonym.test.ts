import { describe, expect, it } from 'vitest';
import { coarsen, pseudonymise } from './pseudonym';

describe('pseudonymise', () => {
  it('is stable per key and id, different across keys, ids and kinds, and does not contain the id', () => {
    const p = pseudonymise('rider-0042', 'k1');
    expect(p).toMatch(/^rider_[0-9a-f]{16}$/);
    expect(pseudonymise('rider-0042', 'k1')).toBe(p);
    expect(pseudonymise('rider-0042', 'k2')).not.toBe(p);
    expect(pseudonymise('rider-0043', 'k1')).not.toBe(p);
    expect(pseudonymise('rider-0042', 'k1', 'device')).not.toBe(p.replace('rider_', 'device_'));
    expect(p).not.toContain('0042');
  });

  it('matches a fixed vector (HMAC-SHA256 of "rider\\0rider-0042" under "k1")', () => {
    // Other services pseudonymising the same riders must agree byte for byte.
    expect(pseudonymise('rider-0042', 'k1')).toBe('rider_4b81e4a8bd4c0a2c');
  });
});

describe('coarsen', () => {
  it.each([
    [12.97194, 77.59369, { lat: 12.9725, lon: 77.5925 }],
    [12.9701, 77.5901, { lat: 12.9725, lon: 77.5925 }],
    [-33.8688, 151.2093, { lat: -33.8675, lon: 151.2075 }],
  ])('snaps %f, %f to the centre of its cell', (lat, lon, expected) => {
    expect(coarsen(lat, lon)).toEqual(expected);
  });

  it('moves a point by at most half a cell on each axis', () => {
    for (let i = 0; i < 1000; i++) {
      const [lat, lon] = [12.8 + Math.random() * 0.4, 77.4 + Math.random() * 0.4];
      const c = coarsen(lat, lon);
      expect(Math.abs(c.lat - lat)).toBeLessThanOrEqual(0.0025 + 1e-9);
      expect(Math.abs(c.lon - lon)).toBeLessThanOrEqual(0.0025 + 1e-9);
    }
  });
});
