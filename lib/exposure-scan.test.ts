import { describe, expect, it } from 'vitest';
import { findExposures } from './exposure-scan';

describe('findExposures', () => {
  it('finds full card numbers and raw rider ids, in JSON and in log text', () => {
    expect(findExposures('{"cardNumber":"4111111111111111","riderId":"rdr-000042"} paid with 5555 5555 5555 4444')).toEqual([
      { kind: 'card-number', value: '4111111111111111' },
      { kind: 'card-number', value: '5555555555554444' },
      { kind: 'rider-id', value: 'rdr-000042' },
    ]);
  });

  it('passes what may be shown: masked cards, pseudonyms, timestamps, non-Luhn digits', () => {
    expect(findExposures('411111••••••1111 ••••1111 rider_4b81e4a8bd4c0a2c 1700000000000 4111111111111112 order-rdr')).toEqual([]);
  });
});
