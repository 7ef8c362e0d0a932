import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit';
import { loadConfig } from '../config';
import { createMetrics } from '../metrics';
import { memoryPublishers, sessionCookie, testAccessEnv } from '../testing/credentials';
import type { Principal } from '../../lib/access';
import { AccessControl } from './access-control';
import { authRoutes } from './auth-routes';

/**
 * The sign-in and grants routes behind a real HTTP server, the way the gateway mounts them (a
 * failed handler answers 500), with Kafka as unreachable as a broker outage makes it.
 */
const ADMIN = { name: 'admin', password: 'integration-admin-password' };
let server: Server;
let url: string;
let failures = 0;
let kafkaDown = false;
let access: AccessControl;
const written: unknown[] = [];

beforeAll(async () => {
  const config = loadConfig({ ...testAccessEnv(), PORT: '3999' });
  const publishers = memoryPublishers();
  access = await AccessControl.open(config.access, {
    publishUser: (name, account) => (kafkaDown ? Promise.reject(new Error('[BrokerPool] Failed to connect: Connection error: connect ECONNREFUSED 127.0.0.1:9')) : publishers.publishUser(name, account)),
    publishSessionEvent: (event) => (kafkaDown ? Promise.reject(new Error('[BrokerPool] Failed to connect')) : publishers.publishSessionEvent(event)),
  });
  await access.bootstrap(() => undefined);
  const producer = { send: async () => [] } as unknown as Producer;
  const log = pino({ level: 'silent' });
  const metrics = createMetrics();
  const routes = authRoutes({
    access,
    audit: new AuditLog({ producer, gatewayId: 'test', log, onWritten: () => undefined }),
    // What kafkajs throws once its retries against a stopped broker run out.
    publishGrant: async (grant) => {
      if (kafkaDown) throw new Error('[BrokerPool] Failed to connect: Connection error: connect ECONNREFUSED 127.0.0.1:9');
      written.push(grant);
      access.grants.apply(grant);
    },
    publicUrl: 'http://127.0.0.1:3999',
    metrics,
    log,
  });
  server = createServer((req, res) => {
    routes
      .handle(req, res)
      .then((handled) => (handled ? undefined : void res.writeHead(200).end('page')))
      .catch(() => {
        failures++;
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const signIn = (next: string, cookie?: string) =>
  fetch(`${url}/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ ...ADMIN, next }),
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
  });

describe('where a sign-in sends the browser', () => {
  const hostile: [string, string][] = [
    ['non-ASCII look-alike slashes', '/\u2215\u2215evil.example'],
    ['a non-ASCII path', '/fraud/\u00e9t\u00e9'],
    ['CR/LF (header injection)', '/fraud\r\nSet-Cookie: sw_session=x'],
    ['an encoded CR/LF is kept encoded', '/fraud%0d%0aX: 1'],
    ['10 KB long', `/${'a'.repeat(10_240)}`],
    ['protocol-relative', '//evil.example/'],
    ['backslash protocol-relative', '/\\evil.example'],
    ['absolute', 'https://evil.example/'],
    ['javascript:', 'javascript:alert(1)'],
    ['back into sign-in', '/auth/logout'],
  ];

  it.each(hostile)('%s: 303 to a path on this site, never elsewhere', async (_what, next) => {
    const res = await signIn(next, await sessionCookie('ops'));
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(new URL(location, url).origin).toBe(url);
    expect(location).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
    expect(location.length).toBeLessThanOrEqual(500);
  });

  it('a path on this site is kept', async () => {
    const res = await signIn('/fraud?alert=a-1');
    expect([res.status, res.headers.get('location')]).toEqual([303, '/fraud?alert=a-1']);
  });

  it('no hostile value made a handler fail', () => {
    expect(failures).toBe(0);
  });
});

describe('cross-site sign-in and sign-out (CSRF)', () => {
  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, { method: 'POST', body: new URLSearchParams({ ...ADMIN, next: '/' }), headers, redirect: 'manual' });

  it.each<[string, Record<string, string>]>([
    ['another origin', { origin: 'https://evil.example' }],
    ['a look-alike origin', { origin: 'http://127.0.0.1.evil.example' }],
    ['the null origin (a sandboxed frame)', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3999' }],
  ])('refuses a sign-in from %s with 403 and no session', async (_what, headers) => {
    const res = await post('/auth/login', headers);
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a cross-site sign-out, leaving the session alone', async () => {
    const res = await post('/auth/logout', { origin: 'https://evil.example', cookie: await sessionCookie('ops') });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it("accepts this site's own pages", async () => {
    const own: Record<string, string>[] = [{ origin: new URL(url).origin }, { 'sec-fetch-site': 'same-origin' }, { origin: 'http://127.0.0.1:3999' }];
    for (const headers of own) {
      const res = await post('/auth/login', headers);
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).toMatch(/^sw_session=/);
    }
  });
});

describe('grants while Kafka is down', () => {
  const post = async (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3999', cookie: await sessionCookie('admin') },
    });
  const request = { label: 'lobby wall', role: 'wall', panels: ['wall'], origins: [], validForMs: 3_600_000 };

  it('issuing answers 503 with the reason and issues nothing', async () => {
    kafkaDown = true;
    const res = await post('/api/grants', request);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/could not be written to Kafka, so nothing changed.*ECONNREFUSED/);
    const list = await fetch(`${url}/api/grants`, { headers: { cookie: await sessionCookie('admin') } });
    expect(await list.json()).toEqual([]);
  });

  it('revoking answers 503 and leaves the grant valid', async () => {
    kafkaDown = false;
    const issued = (await (await post('/api/grants', request)).json()) as { grant: { grantId: string } };
    kafkaDown = true;
    const res = await post(`/api/grants/${issued.grant.grantId}/revoke`, {});
    expect(res.status).toBe(503);
    const list = (await (await fetch(`${url}/api/grants`, { headers: { cookie: await sessionCookie('admin') } })).json()) as { grantId: string; revokedAt: number | null }[];
    expect(list.map((g) => [g.grantId, g.revokedAt])).toEqual([[issued.grant.grantId, null]]);
    expect(failures).toBe(0);
  });
});

describe('the users API', () => {
  beforeAll(() => {
    kafkaDown = false;
  });
  const call = async (method: string, path: string, body: unknown, cookie: string) =>
    fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3999', cookie } });
  const admin = () => sessionCookie('admin');
  const changes: [string, string, unknown][] = [
    ['GET', '/api/users', undefined],
    ['POST', '/api/users', { name: 'eve', role: 'admin', password: 'eve-password-1234' }],
    ['POST', '/api/users/admin/role', { role: 'viewer' }],
    ['POST', '/api/users/admin/password', { password: 'taken-over-password' }],
    ['POST', '/api/users/admin/sign-out', {}],
    ['POST', '/api/users/admin/remove', {}],
  ];

  it.each(['fraud-analyst', 'ops', 'viewer'] as const)('refuses every call from the %s role with 403, changing nothing', async (role) => {
    const before = access.users.list();
    for (const [method, path, body] of changes) {
      const res = await call(method, path, body, await sessionCookie(role, `someone-${role}`));
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(access.users.list()).toEqual(before);
    expect((await call('GET', '/api/users', undefined, '')).status).toBe(401);
  });

  it('lets an admin add, re-role, reset and remove a user, and sign them out everywhere', async () => {
    const added = await call('POST', '/api/users', { name: 'nina', role: 'ops', password: 'nina-password-1234' }, await admin());
    expect([added.status, await added.json()]).toEqual([201, { name: 'nina', role: 'ops' }]);
    expect((await call('POST', '/api/users', { name: 'nina', role: 'ops', password: 'nina-password-1234' }, await admin())).status).toBe(409);
    expect(await access.users.verify('nina', 'nina-password-1234')).toEqual({ name: 'nina', role: 'ops' });
    expect((await call('POST', '/api/users/nina/role', { role: 'fraud-analyst' }, await admin())).status).toBe(200);
    expect(access.users.get('nina')?.role).toBe('fraud-analyst');
    expect((await call('POST', '/api/users/nina/role', { role: 'wall' }, await admin())).status).toBe(400);
    const session = (await access.sessions.fromCookieHeader((await access.sessions.cookieFor({ name: 'nina', role: 'ops' }, 'password')).cookie.split(';')[0])) as { ok: true; principal: Principal };
    // The session began as ops: it carries the role nina has now.
    expect(access.current(session.principal)).toMatchObject({ ok: true, principal: { role: 'fraud-analyst' } });
    expect((await call('POST', '/api/users/nina/password', { password: 'short' }, await admin())).status).toBe(400);
    expect((await call('POST', '/api/users/nina/password', { password: 'nina-new-password-1' }, await admin())).status).toBe(200);
    expect(await access.users.verify('nina', 'nina-password-1234')).toBeNull();
    // A password reset ends the sessions begun with the old password.
    expect(access.current(session.principal)).toEqual({ ok: false, reason: 'signed-out' });
    expect((await call('POST', '/api/users/nina/sign-out', {}, await admin())).status).toBe(200);
    expect((await call('POST', '/api/users/nina/remove', {}, await admin())).status).toBe(200);
    expect(access.users.get('nina')).toBeUndefined();
    expect((await call('POST', '/api/users/nina/remove', {}, await admin())).status).toBe(404);
  });

  it('never removes or demotes the last admin', async () => {
    expect((await call('POST', '/api/users/admin/remove', {}, await admin())).status).toBe(409);
    expect((await call('POST', '/api/users/admin/role', { role: 'ops' }, await admin())).status).toBe(409);
    expect(access.users.get('admin')?.role).toBe('admin');
  });

  it('answers 503 and changes nothing while Kafka is down', async () => {
    kafkaDown = true;
    try {
      const res = await call('POST', '/api/users', { name: 'late', role: 'viewer', password: 'late-password-1234' }, await admin());
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/could not be written to Kafka, so nothing changed/);
      expect(access.users.get('late')).toBeUndefined();
    } finally {
      kafkaDown = false;
    }
    expect(failures).toBe(0);
  });
});
