import { findCardNumbers } from './redact';

/**
 * What must never leave the server, as a scanner finds it in text: full card numbers (any
 * Luhn-valid 13–19 digits that start as card numbers do), raw rider ids (the simulator's
 * `rdr-…`; the dashboard shows `rider_<hash>` pseudonyms) and the gateway's tokens: wall and
 * embed tokens (JWTs of type `sw-screen`, in HttpOnly cookies once a screen's address has handed
 * its token over) and sessions (`sw-session`). Used over every socket frame, page, navigation, Referer and log line of an
 * end-to-end run.
 */
export interface Exposure {
  readonly kind: 'card-number' | 'rider-id' | 'auth-token';
  readonly value: string;
}

const riderId = /\brdr-[\w-]+/g;
/** A JWT: base64url header (always `{"…` so `eyJ`), payload and signature. */
const jwt = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g;

export function findExposures(text: string): Exposure[] {
  return [
    ...findCardNumbers(text).map((value) => ({ kind: 'card-number' as const, value })),
    ...[...text.matchAll(riderId)].map((m) => ({ kind: 'rider-id' as const, value: m[0] })),
    ...[...text.matchAll(jwt)].filter((m) => isGatewayToken(m[0])).map((m) => ({ kind: 'auth-token' as const, value: m[0] })),
  ];
}

function isGatewayToken(token: string): boolean {
  try {
    const header: unknown = JSON.parse(atob(token.slice(0, token.indexOf('.')).replace(/-/g, '+').replace(/_/g, '/')));
    const typ = typeof header === 'object' && header !== null ? (header as { typ?: unknown }).typ : undefined;
    return typ === 'sw-screen' || typ === 'sw-session';
  } catch {
    return false;
  }
}
