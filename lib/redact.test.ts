import { describe, expect, it } from 'vitest';
import { findCardNumbers, redactCardNumbers } from './redact';

describe('redactCardNumbers', () => {
  it.each([
    ['{"cardNumber":"4111111111111111","amount":12}', '{"cardNumber":"411111••••••1111","amount":12}'],
    ['card 4111 1111 1111 1111 declined', 'card 411111••••••1111 declined'],
    ['amex 378282246310005', 'amex 378282•••••0005'],
    ['two: 5555555555554444, 4000056655665556', 'two: 555555••••••4444, 400005••••••5556'],
  ])('masks %s', (text, masked) => {
    expect(redactCardNumbers(text)).toBe(masked);
    expect(findCardNumbers(masked)).toEqual([]);
  });

  it.each([
    ['a Luhn-valid epoch-ms timestamp', '{"ts":1795619595030}'],
    ['a number that fails Luhn', '4111111111111112'],
    ['an order id of 12 digits', 'order 123456789012'],
  ])('leaves %s alone', (_what, text) => {
    expect(redactCardNumbers(text)).toBe(text);
  });

  it('finds what it would mask', () => {
    expect(findCardNumbers('x 4111111111111111 y 4111111111111112')).toEqual(['4111111111111111']);
  });

  it('leaves the digits of decimal numbers alone (coordinates are not card numbers)', () => {
    // 12.64865694495077: the fraction alone would pass Luhn as 64865694495077.
    expect(findCardNumbers('{"lat":12.64865694495077,"lon":77.4111111111111111}')).toEqual([]);
    expect(findCardNumbers('paid 4111111111111111.')).toEqual(['4111111111111111']);
    expect(findCardNumbers('card=4111111111111111&x')).toEqual(['4111111111111111']);
  });
});
