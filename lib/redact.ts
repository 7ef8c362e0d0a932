import { isLuhnValid } from './card';

/**
 * 13–19 digits, optionally grouped by single spaces or dashes, as card numbers are typed,
 * starting as card numbers do (2–6: Mastercard, Amex, Visa, Discover, RuPay…); epoch-ms
 * timestamps (starting with 1) are 13 digits and Luhn-valid one time in ten. Not the digits of
 * a decimal number (a coordinate's 14 fractional digits are Luhn-valid one time in ten too).
 */
const cardLike = /(?<![\w.])[2-6](?:[ -]?\d){12,18}(?![\w]|\.\d)/g;

/**
 * Masks every Luhn-valid card number in `text` to at most its first 6 and last 4 digits
 * (PCI DSS), whatever surrounds it: for anything shown from raw records (dead letters, logs).
 */
export function redactCardNumbers(text: string): string {
  return text.replace(cardLike, (match) => {
    const digits = match.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !isLuhnValid(digits)) return match;
    return `${digits.slice(0, 6)}${'•'.repeat(digits.length - 10)}${digits.slice(-4)}`;
  });
}

/** Finds Luhn-valid 13–19 digit numbers: what a PAN scanner reports. */
export function findCardNumbers(text: string): string[] {
  return [...text.matchAll(cardLike)].map((m) => m[0].replace(/[ -]/g, '')).filter((d) => d.length >= 13 && d.length <= 19 && isLuhnValid(d));
}
