import { describe, expect, it } from 'vitest';
import { formatMaskedCard, isLuhnValid, luhnCheckDigit, maskCard } from './card';

describe('Luhn', () => {
  it('accepts well-known test card numbers and rejects a changed digit', () => {
    for (const n of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117']) expect(isLuhnValid(n)).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isLuhnValid('41111111111x1111')).toBe(false);
  });

  it('completes a number with its check digit', () => {
    expect(luhnCheckDigit('411111111111111')).toBe(1);
    expect(luhnCheckDigit('555555555555444')).toBe(4);
  });
});

describe('maskCard', () => {
  it('keeps the first 6 and last 4 digits only', () => {
    const masked = maskCard('4111111234561111');
    expect(masked).toEqual({ bin: '411111', last4: '1111' });
    expect(formatMaskedCard(masked)).toBe('411111******1111');
    expect(formatMaskedCard(masked).replace(/\*/g, '')).toHaveLength(10);
  });
});
