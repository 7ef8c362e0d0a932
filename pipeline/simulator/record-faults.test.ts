import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../lib/random';
import { DriverLocation } from '../../lib/schemas/driver-location';
import { RideRequest } from '../../lib/schemas/ride-request';
import { LateDelivery, malformedKinds, malformedPayload, malformedRequestKinds } from './record-faults';

const good: DriverLocation = { driverId: 'drv-1', lat: 12.97, lon: 77.6, status: 'idle', headingDeg: 90, speedKmh: 0, ts: 1_790_000_000_000 };

function parses(payload: Buffer, schema: typeof DriverLocation | typeof RideRequest = DriverLocation): boolean {
  try {
    return schema.safeParse(JSON.parse(payload.toString('utf8'))).success;
  } catch {
    return false;
  }
}

describe('malformedPayload', () => {
  it('starts from a valid record', () => {
    expect(parses(Buffer.from(JSON.stringify(good)))).toBe(true);
  });

  it.each(malformedKinds)('%s breaks the DriverLocation schema', (kind) => {
    expect(parses(malformedPayload(kind, good, 'driverId'))).toBe(false);
  });

  const request: RideRequest = { requestId: 'req-1', riderId: 'rdr-1', lat: 12.97, lon: 77.6, ts: 1_790_000_000_000 };
  it.each(malformedRequestKinds)('%s breaks the RideRequest schema', (kind) => {
    expect(parses(Buffer.from(JSON.stringify(request)), RideRequest)).toBe(true);
    expect(parses(malformedPayload(kind, request, 'requestId'), RideRequest)).toBe(false);
  });
});

describe('LateDelivery', () => {
  it('passes everything through when the ratio is 0', () => {
    const late = new LateDelivery(seededRandom(1), 0, 3000);
    const record = { topic: 't', key: 'k', value: Buffer.from('v'), eventTimeMs: 1 };
    expect(late.offer(record, 0)).toBe(record);
  });

  it('holds back about the given share and releases each within the maximum delay', () => {
    const late = new LateDelivery(seededRandom(2), 0.2, 3000);
    const released: { at: number; eventTimeMs: number }[] = [];
    let held = 0;
    for (let t = 0; t < 10_000; t += 10) {
      if (late.offer({ topic: 't', key: 'k', value: Buffer.alloc(0), eventTimeMs: t }, t) === null) held++;
      for (const r of late.due(t)) released.push({ at: t, eventTimeMs: r.eventTimeMs });
    }
    for (const r of late.drain()) released.push({ at: 13_000, eventTimeMs: r.eventTimeMs });
    expect(held / 1000).toBeGreaterThan(0.15);
    expect(held / 1000).toBeLessThan(0.25);
    expect(released).toHaveLength(held);
    for (const r of released.filter((x) => x.at < 13_000)) {
      expect(r.at - r.eventTimeMs).toBeLessThanOrEqual(3000 + 10);
      expect(r.at - r.eventTimeMs).toBeGreaterThanOrEqual(750 - 10);
    }
    expect(late.heldCount).toBe(0);
  });
});
