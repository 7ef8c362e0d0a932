import { describe, expect, it } from 'vitest';
import { decodeDrivers, encodeDrivers, type WireDriver } from './driver-wire';

const sentAt = 1_795_560_000_000;
const drivers: WireDriver[] = [
  { index: 0, lon: 77.669373, lat: 13.017522, status: 2, headingDeg: 184.3, ts: sentAt - 250 },
  { index: 19_999, lon: 77.46, lat: 12.834, status: 0, headingDeg: 0, ts: sentAt },
  { index: 7, lon: 77.784, lat: 13.139, status: 3, headingDeg: 359.9, ts: sentAt + 15 },
];

describe('driver wire format', () => {
  it('round-trips positions to within half a metre, and everything else exactly', () => {
    const decoded = decodeDrivers(encodeDrivers(drivers, [3, 42], sentAt), sentAt);
    expect(decoded.removals).toEqual([3, 42]);
    decoded.drivers.forEach((d, i) => {
      const want = drivers[i]!;
      expect(d.index).toBe(want.index);
      expect(Math.abs(d.lon - want.lon)).toBeLessThan(5e-6);
      expect(Math.abs(d.lat - want.lat)).toBeLessThan(5e-6);
      expect(d.status).toBe(want.status);
      expect(d.headingDeg).toBeCloseTo(want.headingDeg, 1);
      expect(d.ts).toBe(want.ts);
    });
  });

  it('costs 19 bytes a driver and 4 a removal, plus an 8-byte header and padding', () => {
    expect(encodeDrivers(drivers, [3, 42], sentAt).byteLength).toBe(8 + 3 * 19 + 3 + 2 * 4);
    expect(encodeDrivers([], [], sentAt).byteLength).toBe(8);
  });

  it('decodes from a Node Buffer at an odd offset (as socket.io delivers it in Node)', () => {
    const encoded = encodeDrivers(drivers, [], sentAt);
    const padded = Buffer.concat([Buffer.from([9]), Buffer.from(encoded)]).subarray(1);
    expect(decodeDrivers(padded, sentAt).drivers.map((d) => d.index)).toEqual([0, 19_999, 7]);
  });

  it('refuses a truncated or padded frame instead of reading garbage', () => {
    const encoded = encodeDrivers(drivers, [1], sentAt);
    expect(() => decodeDrivers(encoded.subarray(0, encoded.length - 1), sentAt)).toThrow(/does not hold 3 drivers and 1 removals/);
    expect(() => decodeDrivers(new Uint8Array(4), sentAt)).toThrow(/shorter than its header/);
  });
});
