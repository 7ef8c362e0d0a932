import { findCardNumbers } from './redact';

/**
 * What must never leave the server, as a scanner finds it in text: full card numbers (any
 * Luhn-valid 13–19 digits that start as card numbers do) and raw rider ids (the simulator's
 * `rdr-…`; the dashboard shows `rider_<hash>` pseudonyms). Used over every socket frame, page
 * and log line of an end-to-end run.
 */
export interface Exposure {
  readonly kind: 'card-number' | 'rider-id';
  readonly value: string;
}

const riderId = /\brdr-[\w-]+/g;

export function findExposures(text: string): Exposure[] {
  return [
    ...findCardNumbers(text).map((value) => ({ kind: 'card-number' as const, value })),
    ...[...text.matchAll(riderId)].map((m) => ({ kind: 'rider-id' as const, value: m[0] })),
  ];
}
