import fc from 'fast-check';
import type { z } from 'zod';
import { defaultPipelineSettings, eventTimeField } from '../../lib/pipeline-jobs';
import { DriverLocation, driverStatuses } from '../../lib/schemas/driver-location';
import { Payment, paymentKinds } from '../../lib/schemas/payment';
import { recordVerdict, type Verdict } from '../../lib/schemas/record-checks';
import { RideRequest } from '../../lib/schemas/ride-request';
import { TripEvent, tripEventKinds } from '../../lib/schemas/trip-event';

/**
 * Raw records as a hostile or broken producer would send them, and the verdict the published
 * schema (lib/schemas) gives each: a record is good only if its bytes are UTF-8, parse as JSON
 * and satisfy the schema. The Flink jobs must quarantine exactly the bad ones.
 */

export type RawKind = 'pings' | 'requests' | 'payments';
/** What verdicts are compared on: every raw schema a job checks, trip events too. */
export type VerdictKind = RawKind | 'trips';

export interface FuzzedRecord {
  readonly kind: RawKind;
  readonly value: Buffer;
  readonly good: boolean;
  /** How it was made: a good record, or which way it was broken. */
  readonly how: string;
}

const schemas: Record<VerdictKind, z.ZodType> = { pings: DriverLocation, requests: RideRequest, payments: Payment, trips: TripEvent };

/** Each raw kind's schema name in lib/schemas (the jobs' `check.<name>` variable). */
export const schemaNames: Record<VerdictKind, 'DriverLocation' | 'RideRequest' | 'Payment' | 'TripEvent'> = { pings: 'DriverLocation', requests: 'RideRequest', payments: 'Payment', trips: 'TripEvent' };

/** The published schema's verdict on raw bytes at `now`, as the jobs must give it (lib/schemas/record-checks). */
export function schemaVerdict(kind: VerdictKind, value: Buffer | null, now = Date.now(), maxFutureMs = defaultPipelineSettings.maxFutureMs): Verdict {
  return recordVerdict(schemas[kind], value, now, { field: eventTimeField, maxFutureMs });
}

export function schemaAccepts(kind: RawKind, value: Buffer): boolean {
  return schemaVerdict(kind, value).ok;
}

const id = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme-ascii' });
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });

/** Schema-valid records; `ts` is filled in by the caller so that event time only moves forward. */
const validBodies: Record<VerdictKind, fc.Arbitrary<Record<string, unknown>>> = {
  trips: fc.record(
    {
      eventId: fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme-ascii' }),
      kind: fc.constantFrom(...tripEventKinds),
      requestId: id,
      driverId: id,
      distanceM: fc.integer({ min: 0, max: 100_000 }),
      waitMs: fc.integer({ min: 0, max: 3_600_000 }),
    },
    { requiredKeys: ['eventId', 'kind', 'requestId'] },
  ),
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

/** Where JavaScript's and Java's regular expressions and line handling part ways. */
const lineTerminators = ['\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085', '\u0000', '\ufeff'];

/** Number texts JSON.stringify never writes, at the edges of doubles and safe integers. */
const numberTexts = [
  '1' + '0'.repeat(1200), '-' + '9'.repeat(1500), '1e400', '-1e400', '1e-400', '-0', '0.0', '1.0', '1E3', '0.1e1', '9007199254740991',
  '9007199254740992', '9007199254740993', '-9007199254740993', '1700000000000.0000001', '1700000000000.5', '90.00000000000001', '89.99999999999999',
];

/**
 * A record's own ts spelt as JSON.stringify never would: the same instant (so never late nor
 * early), or no valid event time at all.
 */
const tsSpellings: ((ts: number) => string)[] = [
  (ts) => `${ts}.0`, (ts) => `${ts}.000000000000000000001`, (ts) => `${ts}e0`, (ts) => `${ts}E+0`, (ts) => `${ts * 10}e-1`, (ts) => `${ts / 1000}e3`,
  (ts) => `${ts}.5`, (ts) => `-${ts}`, () => '9007199254740992', () => '1' + '0'.repeat(1200), () => '1e400', () => '-0', () => '0.0',
];

/** A key of the record's own, picked by n. */
const keyOf = (body: Record<string, unknown>, n: number): string => Object.keys(body)[n % Object.keys(body).length]!;

/** The body's JSON with one field's value written as raw text. */
function withRawValue(body: Record<string, unknown>, key: string, raw: string): Buffer {
  const marker = '\u0001raw\u0001';
  return Buffer.from(JSON.stringify({ ...body, [key]: marker }).replace(JSON.stringify(marker), raw));
}

/** Hostile but well-formed JSON: what the hand-written checks in the jobs once judged differently from zod. */
const hostile: fc.Arbitrary<Breakage> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...lineTerminators), fc.boolean()).map(([n, end, before]) => ({
    how: 'a line terminator in a string',
    apply: (body: Record<string, unknown>) => {
      const key = keyOf(body, n);
      const v = String(body[key]);
      return Buffer.from(JSON.stringify({ ...body, [key]: before ? end + v : v + end }));
    },
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 30, max: 66 })).map(([n, count]) => ({
    how: 'astral characters (two UTF-16 units each)',
    apply: (body: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...body, [keyOf(body, n)]: '\u{1F695}'.repeat(count) })),
  })),
  fc.nat().map((n) => ({
    how: 'a lone surrogate',
    apply: (body: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...body, [keyOf(body, n)]: `${String(body[keyOf(body, n)])}\ud800` })),
  })),
  fc.constantFrom(999, 1000, 1001, 5000, 10_000).map((depth) => ({
    how: 'an extra field nested deep',
    apply: (body: Record<string, unknown>) => withRawValue(body, 'extra', '['.repeat(depth) + ']'.repeat(depth)),
  })),
  fc.tuple(fc.nat(), fc.constantFrom(...numberTexts)).map(([n, raw]) => ({
    how: 'a number JSON.stringify would not write',
    apply: (body: Record<string, unknown>) => withRawValue(body, keyOf(body, n), raw),
  })),
  fc.constantFrom(...tsSpellings).map((spell) => ({
    how: 'a ts JSON.stringify would not write',
    apply: (body: Record<string, unknown>) => withRawValue(body, 'ts', spell(body.ts as number)),
  })),
  fc.constantFrom(10 * 60_000, 24 * 3_600_000, 32_503_680_000_000 - 1_700_000_000_000).map((ahead) => ({
    how: 'an event time in the future',
    apply: (body: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...body, ts: Date.now() + ahead })),
  })),
);

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
  hostile,
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
    const text = JSON.stringify(full);
    const value = broken ? broken.apply(full, text) : Buffer.from(text);
    const good = schemaAccepts(kind, value);
    // A breakage that left a valid record with another event time (ts: 360) would make it late,
    // which is not what this feed tests: such a record goes out unbroken instead.
    if (good && broken && (JSON.parse(value.toString('utf8')) as { ts: number }).ts !== full.ts) return { kind, value: Buffer.from(text), good, how: 'good' };
    return { kind, value, good, how: broken?.how ?? 'good' };
  });
}

/**
 * Records to compare verdicts on, not to feed a job in order: any kind, a third good, a third
 * broken any way, a third hostile; an occasional null value (a tombstone); event times within
 * the year before `now`.
 */
export function verdictSample(count: number, seed: number, now: number): { kind: VerdictKind; value: Buffer | null; how: string }[] {
  const one = fc.tuple(
    fc.constantFrom<VerdictKind>(...kinds, 'trips'),
    fc.integer({ min: now - 365 * 24 * 3_600_000, max: now }),
    fc.oneof({ arbitrary: fc.constant(null), weight: 10 }, { arbitrary: breakage, weight: 10 }, { arbitrary: hostile, weight: 10 }, { arbitrary: fc.constant('tombstone' as const), weight: 1 }),
  ).chain(([kind, ts, broken]) => validBodies[kind].map((body) => ({ kind, body: { ...body, ts }, broken })));
  return fc.sample(one, { numRuns: count, seed }).map(({ kind, body, broken }) => {
    if (broken === 'tombstone') return { kind, value: null, how: 'a null value' };
    const text = JSON.stringify(body);
    return { kind, value: broken ? broken.apply(body, text) : Buffer.from(text), how: broken?.how ?? 'good' };
  });
}
