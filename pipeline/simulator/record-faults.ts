import type { Random } from '../../lib/random';

/**
 * Bad records on demand, for proving that the pipeline quarantines them: each kind breaks
 * one rule of the record's schema (or JSON itself).
 */
export const malformedKinds = [
  'truncated-json',
  'not-utf8',
  'missing-id',
  'lat-not-a-number',
  'lat-out-of-range',
  'unknown-status',
  'missing-ts',
] as const;
export type MalformedKind = (typeof malformedKinds)[number];

/** The kinds that break a ride request (which has no status). */
export const malformedRequestKinds = malformedKinds.filter((k) => k !== 'unknown-status');

/** The kinds that break a record with neither a `lat` nor a status: a payment (its position fields are ipLat/ipLon), a trip event. */
const malformedUnplacedKinds = malformedKinds.filter((k) => !['unknown-status', 'lat-not-a-number', 'lat-out-of-range'].includes(k));
export const malformedPaymentKinds = malformedUnplacedKinds;
export const malformedTripKinds = malformedUnplacedKinds;

/** A broken copy of a good record; `idField` names the record's identifier (dropped by missing-id). */
export function malformedPayload<T extends { ts: number }>(kind: MalformedKind, good: T, idField: keyof T): Buffer {
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  switch (kind) {
    case 'truncated-json':
      return Buffer.from(JSON.stringify(good).slice(0, 20));
    case 'not-utf8':
      return Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]);
    case 'missing-id': {
      const rest: Partial<T> = { ...good };
      delete rest[idField];
      return json(rest);
    }
    case 'lat-not-a-number':
      return json({ ...good, lat: 'north-ish' });
    case 'lat-out-of-range':
      return json({ ...good, lat: 123.4 });
    case 'unknown-status':
      return json({ ...good, status: 'teleporting' });
    case 'missing-ts': {
      const { ts: _omitted, ...rest } = good;
      return json(rest);
    }
  }
}

export interface PendingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly eventTimeMs: number;
}

/**
 * Holds a share of records back and releases them later, with their original event time, so
 * that consumers see bounded out-of-order delivery.
 */
export class LateDelivery {
  private held: { releaseAtMs: number; record: PendingRecord }[] = [];

  constructor(
    private readonly rnd: Random,
    private readonly ratio: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Returns the record if it goes now, or null if it was held back. */
  offer(record: PendingRecord, nowMs: number): PendingRecord | null {
    if (this.ratio <= 0 || !this.rnd.chance(this.ratio)) return record;
    this.held.push({ releaseAtMs: nowMs + this.rnd.between(this.maxDelayMs / 4, this.maxDelayMs), record });
    return null;
  }

  /** Records whose delay is over. */
  due(nowMs: number): PendingRecord[] {
    const due = this.held.filter((h) => h.releaseAtMs <= nowMs).map((h) => h.record);
    if (due.length > 0) this.held = this.held.filter((h) => h.releaseAtMs > nowMs);
    return due;
  }

  /** Everything still held, for a shutdown that must not lose records. */
  drain(): PendingRecord[] {
    const all = this.held.map((h) => h.record);
    this.held = [];
    return all;
  }

  get heldCount(): number {
    return this.held.length;
  }
}
