import { describe, expect, it } from 'vitest';
import { ScramClient } from './scram-client';

/** RFC 7677 section 3: SCRAM-SHA-256, user "user", password "pencil". */
const rfc = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('ScramClient', () => {
  it("computes the RFC 7677 exchange's messages and accepts its server signature", () => {
    const client = new ScramClient('sha256', 'user', 'pencil', rfc.nonce);
    expect(client.clientFirst()).toBe(rfc.clientFirst);
    expect(client.clientFinal(rfc.serverFirst)).toBe(rfc.clientFinal);
    expect(() => client.verifyServerFinal(rfc.serverFinal)).not.toThrow();
  });

  it('refuses a server that does not know the password, or refuses us', () => {
    const client = new ScramClient('sha256', 'user', 'not-pencil', rfc.nonce);
    client.clientFinal(rfc.serverFirst);
    expect(() => client.verifyServerFinal(rfc.serverFinal)).toThrow(/signature does not match/);
    expect(() => client.verifyServerFinal('e=invalid-proof')).toThrow(/refused: invalid-proof/);
  });

  it.each([
    ['a nonce that is not ours', 'r=someoneElse123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096', /nonce/],
    ['no salt', `r=${rfc.nonce}xyz,i=4096`, /salt/],
    ['a denial-of-service iteration count', `r=${rfc.nonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100000000`, /iterations refused/],
  ])('refuses a challenge with %s', (_what, serverFirst, message) => {
    expect(() => new ScramClient('sha512', 'user', 'pencil', rfc.nonce).clientFinal(serverFirst)).toThrow(message);
  });

  it('escapes = and , in the user name', () => {
    expect(new ScramClient('sha512', 'a=b,c', 'x', 'n').clientFirst()).toBe('n,,n=a=3Db=2Cc,r=n');
  });
});
