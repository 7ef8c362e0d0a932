/**
 * Card numbers: Luhn check digits for the simulator's test cards, and the masked form
 * (PCI-DSS: at most the first 6 and last 4 digits) everything downstream of the fraud job
 * sees. Pure; the fraud job masks in SQL the same way.
 */

/** The Luhn check digit that completes `partial` (all digits but the last). */
export function luhnCheckDigit(partial: string): number {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let d = partial.charCodeAt(partial.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isLuhnValid(cardNumber: string): boolean {
  return /^\d{12,19}$/.test(cardNumber) && luhnCheckDigit(cardNumber.slice(0, -1)) === Number(cardNumber.at(-1));
}

export interface MaskedCard {
  readonly bin: string;
  readonly last4: string;
}

export function maskCard(cardNumber: string): MaskedCard {
  return { bin: cardNumber.slice(0, 6), last4: cardNumber.slice(-4) };
}

/** How a masked card is shown: 411111******1111 style, never more than 6 + 4 digits. */
export function formatMaskedCard(card: MaskedCard, length = 16): string {
  return card.bin + '*'.repeat(Math.max(0, length - 10)) + card.last4;
}

/** Card token keys go into the fraud job's SQL text, so they are kept to characters that need no quoting. */
export function isUsableTokenKey(key: string): boolean {
  return /^[A-Za-z0-9_-]{16,128}$/.test(key);
}

/** A card as a role may see it (lib/protection.ts): BIN and last 4, last 4 only, or nothing. */
export function cardLabel(bin: string | null, last4: string | null): string {
  if (last4 === null) return 'card hidden';
  return `${bin ?? '••••••'}••••••${last4}`;
}
