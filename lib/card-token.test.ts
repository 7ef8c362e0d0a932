import { describe, expect, it } from 'vitest';
import { isUsableTokenKey } from './card';
import { cardToken } from './card-token';
import vectors from './card-token-vectors.json';

describe('cardToken', () => {
  it.each(vectors.cases)('meets the shared vector for $cardNumber', ({ cardNumber, token }) => {
    expect(cardToken(cardNumber, vectors.key)).toBe(token);
  });

  it('depends on the key and never contains the card number', () => {
    const t = cardToken('4111111111111111', 'key-one-0123456789');
    expect(t).not.toBe(cardToken('4111111111111111', 'key-two-0123456789'));
    expect(t).toMatch(/^[0-9a-f]{32}$/);
    expect(t).not.toContain('411111');
  });

  it('accepts only keys that are long and need no quoting', () => {
    expect(isUsableTokenKey('short')).toBe(false);
    expect(isUsableTokenKey("it's-a-key-0123456789")).toBe(false);
    expect(isUsableTokenKey('a-good-key_0123456789')).toBe(true);
  });
});
