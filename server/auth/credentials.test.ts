import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccessGrant } from '../../lib/schemas/access-grant';
import { GrantStore } from './grants';
import { roleFromClaim } from './oidc';
import { loadSecret } from './secrets';
import { Sessions } from './sessions';
import { UserStore } from './users';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const dir = () => mkdtempSync(join(tmpdir(), 'streamwatch-auth-'));

describe('UserStore', () => {
  it('creates the first admin once, keeps only an argon2id hash, and verifies passwords', async () => {
    const file = join(dir(), 'users.json');
    const store = await UserStore.open(file);
    const first = await store.ensureAdmin('admin', undefined);
    expect(first.created).toBe(true);
    expect(first.password).toMatch(/^[\w-]{16}$/);
    expect(await store.ensureAdmin('admin', undefined)).toEqual({ created: false, password: null });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('$argon2id$');
    expect(text).not.toContain(first.password!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const reopened = await UserStore.open(file);
    expect(await reopened.verify('admin', first.password!)).toEqual({ name: 'admin', role: 'admin' });
    expect(await reopened.verify('admin', 'wrong')).toBeNull();
    expect(await reopened.verify('nobody', first.password!)).toBeNull();
    await expect(reopened.put('x', 'viewer', 'short')).rejects.toThrow('at least 12');
    // Another process (npm run users) adds someone: the running store sees it at the next sign-in.
    await new Promise((r) => setTimeout(r, 20));
    await (await UserStore.open(file)).put('omar', 'ops', 'omar-password-123');
    expect(await reopened.verify('omar', 'omar-password-123')).toEqual({ name: 'omar', role: 'ops' });
  });
});

describe('Sessions', () => {
  it('accepts its own cookie, and refuses expired, tampered and foreign ones', async () => {
    const sessions = new Sessions(SECRET, 60_000, true);
    const setCookie = await sessions.cookieFor({ name: 'asha', role: 'fraud-analyst' }, 1_000_000);
    expect(setCookie).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0]!;
    const ok = await sessions.fromCookieHeader(`other=1; ${cookie}`, 1_030_000);
    expect(ok).toEqual({ ok: true, principal: { kind: 'user', name: 'asha', role: 'fraud-analyst', panels: null, expiresAt: 1_060_000, grantId: null } });
    expect(await sessions.fromCookieHeader(cookie, 1_061_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await sessions.fromCookieHeader(`${cookie.slice(0, -2)}xx`, 1_030_000)).toEqual({ ok: false, reason: 'invalid' });
    expect(await new Sessions(`${SECRET}-other`, 60_000, true).fromCookieHeader(cookie, 1_030_000)).toEqual({ ok: false, reason: 'invalid' });
    expect(await sessions.fromCookieHeader(undefined)).toEqual({ ok: false, reason: 'none' });
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
    const others = await Promise.all(Array.from({ length: 200 }, (_, i) => store.tokenFor({ ...live, grantId: `7d0f6f0e-3b1a-4c58-9a7e-${String(i).padStart(12, '0')}` }, Date.now())));
    const waiting = others.map((t) => store.verify(t.token, Date.now(), 300));
    const { token } = await store.tokenFor(live, Date.now());
    const started = Date.now();
    expect(await store.verify(token, Date.now(), 300)).toEqual({ ok: false, reason: 'unknown' });
    expect(Date.now() - started).toBeLessThan(250);
    expect((await Promise.all(waiting)).every((c) => !c.ok)).toBe(true);
  });

  it('refuses a session cookie as a screen token and a token signed with another secret', async () => {
    const store = new GrantStore(SECRET, 10_000);
    const cookie = (await new Sessions(SECRET, 60_000, false).cookieFor({ name: 'admin', role: 'admin' })).split(';')[0]!.split('=')[1]!;
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
