import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AccessGrant } from '../../lib/schemas/access-grant';
import { UserAccount } from '../../lib/schemas/user-account';
import { GrantStore } from './grants';
import { roleFromClaim } from './oidc';
import { loadSecret } from './secrets';
import { SessionEnds, Sessions } from './sessions';
import { userAccount, UserDirectory } from './users';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const dir = () => mkdtempSync(join(tmpdir(), 'streamwatch-auth-'));

describe('UserDirectory', () => {
  it('writes users to the topic as argon2id hashes, verifies passwords, and follows records other gateways wrote', async () => {
    const topic: [string, UserAccount | null][] = [];
    const users = new UserDirectory(async (name, account) => void topic.push([name, account]));
    const changed: string[] = [];
    users.onChanged = (name) => changed.push(name);
    const first = await users.ensureAdmin('admin', undefined);
    expect(first.created).toBe(true);
    expect(first.password).toMatch(/^[\w-]{16}$/);
    expect(await users.ensureAdmin('admin', undefined)).toEqual({ created: false, password: null });
    expect(topic).toHaveLength(1);
    const [key, record] = topic[0]!;
    expect(key).toBe('admin');
    expect(UserAccount.parse(record)).toMatchObject({ name: 'admin', role: 'admin', updatedBy: 'bootstrap' });
    expect(JSON.stringify(record)).not.toContain(first.password!);
    expect(await users.verify('admin', first.password!)).toEqual({ name: 'admin', role: 'admin' });
    expect(await users.verify('admin', 'wrong')).toBeNull();
    expect(await users.verify('nobody', first.password!)).toBeNull();
    await expect(users.put('x', 'viewer', 'short', 'admin')).rejects.toThrow('at least 12');
    await expect(users.put('bad name', 'viewer', 'long-enough-password', 'admin')).rejects.toThrow();

    // Another gateway (or npm run users) added someone, then changed and removed them: read from the topic.
    users.apply('omar', await userAccount('omar', 'ops', 'omar-password-123', 'cli'));
    expect(await users.verify('omar', 'omar-password-123')).toEqual({ name: 'omar', role: 'ops' });
    expect(await users.setRole('omar', 'viewer', 'admin')).toBe(true);
    expect(users.get('omar')).toEqual({ name: 'omar', role: 'viewer' });
    expect(topic.at(-1)).toMatchObject(['omar', { role: 'viewer', updatedBy: 'admin' }]);
    expect(await users.remove('omar')).toBe(true);
    expect(topic.at(-1)).toEqual(['omar', null]);
    expect(await users.verify('omar', 'omar-password-123')).toBeNull();
    expect(await users.setRole('omar', 'ops', 'admin')).toBe(false);
    expect(changed).toEqual(['admin', 'omar', 'omar', 'omar']);
  });

  it('writes nothing and changes nothing when the topic refuses the write', async () => {
    const users = new UserDirectory(async () => {
      throw new Error('Kafka is down');
    });
    await expect(users.put('asha', 'fraud-analyst', 'asha-password-123', 'admin')).rejects.toThrow('Kafka is down');
    expect(users.size).toBe(0);
  });
});

describe('Sessions', () => {
  it('accepts its own cookie with its id, and refuses expired, tampered and foreign ones', async () => {
    const sessions = new Sessions(SECRET, 60_000, true);
    const { cookie: setCookie, sessionId, expiresAt } = await sessions.cookieFor({ name: 'asha', role: 'fraud-analyst' }, 'password', 1_000_000);
    expect(setCookie).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    expect(expiresAt).toBe(1_060_000);
    const cookie = setCookie.split(';')[0]!;
    const ok = await sessions.fromCookieHeader(`other=1; ${cookie}`, 1_030_000);
    expect(ok).toEqual({
      ok: true,
      principal: { kind: 'user', name: 'asha', role: 'fraud-analyst', panels: null, expiresAt: 1_060_000, grantId: null, session: { id: sessionId, began: 1_000_000, via: 'password' } },
    });
    expect(await sessions.fromCookieHeader(cookie, 1_061_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await sessions.fromCookieHeader(`${cookie.slice(0, -2)}xx`, 1_030_000)).toEqual({ ok: false, reason: 'invalid' });
    expect(await new Sessions(`${SECRET}-other`, 60_000, true).fromCookieHeader(cookie, 1_030_000)).toEqual({ ok: false, reason: 'invalid' });
    expect(await sessions.fromCookieHeader(undefined)).toEqual({ ok: false, reason: 'none' });
  });
});

describe('SessionEnds', () => {
  const session = (id: string, began: number) => ({ id, began });
  const A = '0b8f5a52-0f5e-4a7e-9d3e-2d1c0a9b8e01';
  const B = '0b8f5a52-0f5e-4a7e-9d3e-2d1c0a9b8e02';

  it('ends one signed-out session, or every session of a user begun before a sign-out everywhere, to the millisecond', () => {
    const ends = new SessionEnds(60_000);
    let told = 0;
    ends.onEnded = () => told++;
    ends.apply({ kind: 'session-ended', sessionId: A, user: 'asha', at: 1_000_000, expiresAt: 1_050_000, by: 'asha' }, 1_000_000);
    expect(ends.hasEnded(session(A, 990_000), 'asha')).toBe(true);
    expect(ends.hasEnded(session(B, 990_000), 'asha')).toBe(false);
    ends.apply({ kind: 'user-signed-out', user: 'asha', before: 1_000_500, by: 'admin' }, 1_000_500);
    expect(ends.hasEnded(session(B, 1_000_499), 'asha')).toBe(true);
    // Begun later in the same second: a new sign-in after the admin's sign-out stands.
    expect(ends.hasEnded(session(B, 1_000_501), 'asha')).toBe(false);
    expect(ends.hasEnded(session(B, 990_000), 'omar')).toBe(false);
    // Replayed records change nothing and tell nobody twice; an older sign-out never moves the time back.
    ends.apply({ kind: 'session-ended', sessionId: A, user: 'asha', at: 1_000_000, expiresAt: 1_050_000, by: 'asha' }, 1_000_600);
    ends.apply({ kind: 'user-signed-out', user: 'asha', before: 1_000_100, by: 'admin' }, 1_000_600);
    expect(ends.hasEnded(session(B, 1_000_200), 'asha')).toBe(true);
    expect(told).toBe(2);
  });

  it('forgets sign-outs once the sessions they end have expired, and ignores records that end nothing any more', () => {
    const ends = new SessionEnds(60_000);
    ends.apply({ kind: 'session-ended', sessionId: A, user: 'asha', at: 1_000_000, expiresAt: 1_050_000, by: 'asha' }, 1_000_000);
    ends.apply({ kind: 'user-signed-out', user: 'omar', before: 1_000_000, by: 'admin' }, 1_000_000);
    expect(ends.size).toBe(2);
    ends.prune(1_049_999);
    expect(ends.size).toBe(2);
    ends.prune(1_060_000);
    expect(ends.size).toBe(0);
    ends.apply({ kind: 'session-ended', sessionId: B, user: 'asha', at: 1_000_000, expiresAt: 1_050_000, by: 'asha' }, 1_060_000);
    ends.apply({ kind: 'user-signed-out', user: 'omar', before: 1_000_000, by: 'admin' }, 1_060_000);
    expect(ends.size).toBe(0);
  });
});

describe('GrantStore', () => {
  const grant: AccessGrant = {
    grantId: '7d0f6f0e-3b1a-4c58-9a7e-2f1c7a9b8e11', label: 'NOC wall', role: 'wall', panels: ['wall'], origins: [],
    issuedBy: 'admin', issuedAt: 1_000_000, expiresAt: 1_000_000 + 3_600_000, revokedAt: null, revokedBy: null,
  };

  it('gives a grant-token socket a short session, session tokens their own expiry, and refuses revoked grants', async () => {
    const store = new GrantStore(SECRET, 10_000);
    store.apply(grant);
    const { token: grantToken } = await store.tokenFor(grant, 1_000_000, 'grant');
    const viaGrant = await store.verify(grantToken, 2_000_000);
    expect(viaGrant).toMatchObject({ ok: true, principal: { kind: 'token', role: 'wall', panels: ['wall'], expiresAt: 2_010_000, grantId: grant.grantId } });
    const session = await store.tokenFor(grant, 2_000_000);
    expect(session.expiresAt).toBe(2_010_000);
    expect(await store.verify(session.token, 2_011_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await store.verify(grantToken, grant.expiresAt + 1000)).toEqual({ ok: false, reason: 'expired' });
    const revoked: string[] = [];
    store.onRevoked = (id) => revoked.push(id);
    store.apply({ ...grant, revokedAt: 2_100_000, revokedBy: 'admin' });
    store.apply(grant); // a replayed older record never un-revokes
    expect(revoked).toEqual([grant.grantId]);
    expect(await store.verify(grantToken, 2_200_000)).toEqual({ ok: false, reason: 'revoked' });
  });

  /** The same grant, running now (the one above expired in 1970). */
  const live: AccessGrant = { ...grant, expiresAt: Date.now() + 3_600_000 };

  it('fails closed: a validly signed token whose grant is not known is refused once the wait runs out', async () => {
    const store = new GrantStore(SECRET, 10_000);
    const { token } = await store.tokenFor(live, Date.now(), 'grant');
    const started = Date.now();
    expect(await store.verify(token, Date.now(), 100)).toEqual({ ok: false, reason: 'unknown' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('serves a token whose grant arrives (from another gateway) while it waits', async () => {
    const store = new GrantStore(SECRET, 10_000);
    const { token } = await store.tokenFor(live, Date.now(), 'grant');
    const checking = store.verify(token, Date.now(), 5_000);
    setTimeout(() => store.apply(live), 20);
    expect(await checking).toMatchObject({ ok: true, principal: { grantId: live.grantId } });
  });

  it('refuses at once, without waiting, when too many tokens already wait for grants', async () => {
    const store = new GrantStore(SECRET, 10_000);
    const grants = Array.from({ length: 200 }, (_, i) => ({ ...live, grantId: `7d0f6f0e-3b1a-4c58-9a7e-${String(i).padStart(12, '0')}` }));
    const others = await Promise.all(grants.map((g) => store.tokenFor(g, Date.now())));
    const waiting = others.map((t) => store.verify(t.token, Date.now(), 60_000));
    await vi.waitFor(() => expect(store.waitingForGrants).toBe(200));
    const { token } = await store.tokenFor(live, Date.now());
    // Refused while every other token still waits: it did not queue behind them or wait out a timer.
    expect(await store.verify(token, Date.now(), 60_000)).toEqual({ ok: false, reason: 'unknown' });
    expect(store.waitingForGrants).toBe(200);
    grants.forEach((g) => store.apply(g));
    expect((await Promise.all(waiting)).every((c) => c.ok)).toBe(true);
    expect(store.waitingForGrants).toBe(0);
  });

  it('refuses a session cookie as a screen token and a token signed with another secret', async () => {
    const store = new GrantStore(SECRET, 10_000);
    const cookie = (await new Sessions(SECRET, 60_000, false).cookieFor({ name: 'admin', role: 'admin' }, 'password')).cookie.split(';')[0]!.split('=')[1]!;
    expect(await store.verify(cookie)).toEqual({ ok: false, reason: 'invalid' });
    const { token } = await new GrantStore(`${SECRET}-other`, 10_000).tokenFor(grant, Date.now());
    expect(await store.verify(token)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('roleFromClaim', () => {
  it('takes the most privileged known role a claim names, else the default', () => {
    expect(roleFromClaim(['viewer', 'ops', 'unknown'], 'viewer')).toBe('ops');
    expect(roleFromClaim('fraud-analyst', 'viewer')).toBe('fraud-analyst');
    expect(roleFromClaim(undefined, 'viewer')).toBe('viewer');
    expect(roleFromClaim(42, 'embed')).toBe('embed');
  });
});

describe('loadSecret', () => {
  it('prefers the environment, else makes a secret once and keeps it (mode 600)', async () => {
    const file = join(dir(), 'sub', 'auth-secret');
    expect(await loadSecret('from-env', file, 'X')).toBe('from-env');
    const made = await loadSecret(undefined, file, 'X');
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(await loadSecret(undefined, file, 'X')).toBe(made);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
