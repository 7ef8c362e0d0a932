import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { memoryPublishers, testAccessEnv } from '../testing/credentials';
import { AccessControl, NAME_FREE_FAILURES } from './access-control';

async function access(): Promise<AccessControl> {
  return AccessControl.open(loadConfig({ ...testAccessEnv(), PORT: '3998' }).access, memoryPublishers());
}

/** Sign-in attempts as the route makes them: ask for the wait, and on a wrong password report it. */
async function guess(a: AccessControl, address: string, name: string): Promise<'tried' | 'throttled'> {
  if ((await a.loginWait(address, name)) > 0) return 'throttled';
  await a.loginFailed(name);
  return 'tried';
}

describe('sign-in throttling per account', () => {
  it(`lets ${NAME_FREE_FAILURES} guesses at one account through from 20 addresses, then makes the name wait`, async () => {
    const a = await access();
    const outcomes: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) outcomes.push(await guess(a, `10.0.0.${i + 1}`, 'Admin'));
    }
    expect(outcomes.slice(0, NAME_FREE_FAILURES + 1).every((o) => o === 'tried')).toBe(true);
    expect(outcomes.slice(NAME_FREE_FAILURES + 1).every((o) => o === 'throttled')).toBe(true);
    // The name, however it is spelt, from an address that never guessed.
    expect(await a.loginWait('10.9.9.9', 'admin')).toBeGreaterThan(0);
  });

  it('doubles the wait with each failure past the free ones, up to 5 minutes', async () => {
    const a = await access();
    for (let i = 0; i < NAME_FREE_FAILURES; i++) await a.loginFailed('ravi');
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      await a.loginFailed('ravi');
      waits.push(await a.loginWait(`10.1.0.${i}`, 'ravi'));
    }
    expect(waits.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...waits)).toBe(300);
  });

  it('leaves other accounts alone, and forgets the failures after a successful sign-in', async () => {
    const a = await access();
    for (let i = 0; i < NAME_FREE_FAILURES + 1; i++) await a.loginFailed('asha');
    expect(await a.loginWait('10.2.0.1', 'asha')).toBeGreaterThan(0);
    expect(await a.loginWait('10.2.0.1', 'ravi')).toBe(0);
    await a.loginSucceeded('10.2.0.1', 'asha');
    expect(await a.loginWait('10.2.0.2', 'asha')).toBe(0);
  });
});
