import { createHmac } from 'node:crypto';

/**
 * The keyed card token the fraud job puts on alerts (its CardToken UDF): HMAC-SHA256 of the
 * card number, first 32 hex digits. Server-side only: the key never reaches a browser.
 */
export function cardToken(cardNumber: string, key: string): string {
  return createHmac('sha256', key).update(cardNumber, 'utf8').digest('hex').slice(0, 32);
}
