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

  it("finds the gateway's screen and session tokens, not other JWTs", () => {
    const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const token = (typ: string) => `${part({ alg: 'HS256', typ })}.${part({ sub: 'g-1', exp: 1 })}.c2lnbmF0dXJl`;
    const [screen, session, other] = [token('sw-screen'), token('sw-session'), token('JWT')];
    expect(findExposures(`GET /wall?token=${screen} referer ${session}; id_token ${other}`)).toEqual([
      { kind: 'auth-token', value: screen },
      { kind: 'auth-token', value: session },
    ]);
    expect(findExposures('eyJnot.a.token eyJ')).toEqual([]);
  });
});
