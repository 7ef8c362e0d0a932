import fc from 'fast-check';
import type { z } from 'zod';
import { DriverLocation, driverStatuses } from '../../lib/schemas/driver-location';
import { Payment, paymentKinds } from '../../lib/schemas/payment';
import { RideRequest } from '../../lib/schemas/ride-request';

/**
 * Raw records as a hostile or broken producer would send them, and the verdict the published
 * schema (lib/schemas) gives each: a record is good only if its bytes are UTF-8, parse as JSON
 * and satisfy the schema. The Flink jobs must quarantine exactly the bad ones.
 */

export type RawKind = 'pings' | 'requests' | 'payments';

export interface FuzzedRecord {
  readonly kind: RawKind;
  readonly value: Buffer;
  readonly good: boolean;
  /** How it was made: a good record, or which way it was broken. */
  readonly how: string;
}

const schemas: Record<RawKind, z.ZodType> = { pings: DriverLocation, requests: RideRequest, payments: Payment };

/** The schema's verdict on raw bytes. */
export function schemaAccepts(kind: RawKind, value: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(value);
  } catch {
    return false;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return schemas[kind].safeParse(parsed).success;
}

const id = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme-ascii' });
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });

/** Schema-valid records; `ts` is filled in by the caller so that event time only moves forward. */
const validBodies: Record<RawKind, fc.Arbitrary<Record<string, unknown>>> = {
  pings: fc.record(
    {
      driverId: id,
      lat,
      lon,
      status: fc.constantFrom(...driverStatuses),
      headingDeg: fc.double({ min: 0, max: 359.99, noNaN: true }),
      speedKmh: fc.double({ min: 0, max: 250, noNaN: true }),
    },
    { requiredKeys: ['driverId', 'lat', 'lon', 'status'] },
  ),
  requests: fc.record({ requestId: id, riderId: id, lat, lon }),
  payments: fc.record({
    paymentId: id,
    cardNumber: fc.stringMatching(/^\d{12,19}$/),
    cardCountry: fc.stringMatching(/^[A-Z]{2}$/),
    merchant: fc.string({ minLength: 1, maxLength: 128, unit: 'grapheme-ascii' }),
    kind: fc.constantFrom(...paymentKinds),
    amount: fc.double({ min: 0.01, max: 10_000_000, noNaN: true }),
    currency: fc.stringMatching(/^[A-Z]{3}$/),
    deviceId: id,
    ipLat: lat,
    ipLon: lon,
    riderId: id,
  }),
};

/** Values a field might wrongly hold: other JSON types, edge numbers, near-miss strings. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, 1.5, -0.0001, 90.0001, 180.5, 360, 250.01, 1e300, -1e300, 2 ** 63, '12.5', '1700000000000', '', 'x'.repeat(65), 'IDLE', true, null, [], {}),
  fc.string({ maxLength: 70 }),
  fc.double(),
);

type Breakage = { how: string; apply: (body: Record<string, unknown>, text: string) => Buffer };

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ field: fc.string({ maxLength: 12 }), value: wrongValue }).map(({ field, value }) => ({
    how: 'a field replaced',
    apply: (body: Record<string, unknown>) => {
      const keys = Object.keys(body);
      // A key of the record's own most of the time, or an unknown one.
      const key = keys.length > 0 && field.length % 4 !== 0 ? keys[field.length % keys.length]! : field;
      return Buffer.from(JSON.stringify({ ...body, [key]: value }));
    },
  })),
  fc.nat().map((n) => ({
    how: 'a field missing',
    apply: (body: Record<string, unknown>) => {
      const keys = Object.keys(body);
      const { [keys[n % keys.length]!]: _gone, ...rest } = body;
      return Buffer.from(JSON.stringify(rest));
    },
  })),
  fc.nat().map((n) => ({ how: 'truncated', apply: (_b: Record<string, unknown>, text: string) => Buffer.from(text.slice(0, n % text.length)) })),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).chain((bytes) =>
    fc.nat().map((n) => ({
      how: 'raw bytes spliced in',
      apply: (_b: Record<string, unknown>, text: string) => {
        const raw = Buffer.from(text);
        const at = n % raw.length;
        return Buffer.concat([raw.subarray(0, at), Buffer.from(bytes), raw.subarray(at)]);
      },
    })),
  ),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ how: 'random bytes', apply: () => Buffer.from(bytes) })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ how: 'other JSON', apply: () => Buffer.from(JSON.stringify(v) ?? 'null') })),
);

const kinds: readonly RawKind[] = ['pings', 'requests', 'payments'];

/**
 * `count` records over the three raw topics, about half of them broken; `ts` for each record's
 * index makes event time strictly increasing (the payment job quarantines late records, which
 * these must not be).
 */
export function fuzzedRecords(count: number, seed: number, ts: (index: number) => number): FuzzedRecord[] {
  const one = fc.constantFrom(...kinds).chain((kind) => fc.tuple(fc.constant(kind), validBodies[kind], fc.option(breakage, { nil: null, freq: 2 })));
  return fc.sample(one, { numRuns: count, seed }).map(([kind, body, broken], index) => {
    const full = { ...body, ts: ts(index) };
    const value = broken ? broken.apply(full, JSON.stringify(full)) : Buffer.from(JSON.stringify(full));
    return { kind, value, good: schemaAccepts(kind, value), how: broken?.how ?? 'good' };
  });
}
