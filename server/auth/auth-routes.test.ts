import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit';
import { loadConfig } from '../config';
import { createMetrics } from '../metrics';
import { NotifySinkDirectory } from '../notify-sinks';
import type { NotifySink } from '../../lib/schemas/notify-sink';
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
const sinkRecords: [string, NotifySink | null][] = [];
const sinks = new NotifySinkDirectory(
  [{ id: 'webhook', format: 'json', url: 'https://env.test/hook/secret-path-abcd', since: 0, source: 'environment' }],
  async (id, sink) => {
    if (kafkaDown) throw new Error('[BrokerPool] Failed to connect: Connection error: connect ECONNREFUSED 127.0.0.1:9');
    sinkRecords.push([id, sink]);
  },
);

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
    dev: false,
    metrics,
    log,
    notifySinks: sinks,
    source: 'gw-test',
  });
  server = createServer((req, res) => {
    routes
      .handle(req, res)
      .then((handled) => (handled ? undefined : void res.writeHead(200, { 'x-policy-seen-by-pages': req.headers['content-security-policy'] ?? 'none' }).end('page')))
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

  it.each([['wall', 'wall'], ['embed', 'kpis']] as const)('refuses every call from a %s screen (its screen cookie is no session), changing nothing', async (role, panel) => {
    const grant = await fetch(`${url}/api/grants`, {
      method: 'POST',
      body: JSON.stringify({ label: `${role} screen`, role, panels: [panel], origins: [], validForMs: 60_000 }),
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3999', cookie: await admin() },
    });
    const { token } = (await grant.json()) as { token: string };
    const handOver = await fetch(`${url}/${role === 'wall' ? 'wall' : `embed/${panel}`}?token=${token}`, { redirect: 'manual' });
    const screen = handOver.headers.getSetCookie().find((c) => c.startsWith(`sw_screen_${panel}=`))!.split(';')[0]!;
    const before = access.users.list();
    for (const [method, path, body] of changes) {
      const res = await call(method, path, body, screen);
      expect([path, res.status]).toEqual([path, 401]);
    }
    expect(access.users.list()).toEqual(before);
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

describe('the notification sinks API', () => {
  beforeAll(() => {
    kafkaDown = false;
  });
  const call = async (method: string, path: string, body: unknown, cookie: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3999', cookie, ...headers } });
  const admin = () => sessionCookie('admin');
  const slack = 'https://hooks.slack.test/services/T000/B000/verysecretwxyz';

  it.each(['fraud-analyst', 'ops', 'viewer'] as const)('refuses every call from the %s role with 403, changing nothing', async (role) => {
    const before = sinks.list();
    for (const [method, path, body] of [['GET', '/api/notify-sinks', undefined], ['POST', '/api/notify-sinks', { id: 'evil', format: 'json', url: 'https://evil.test/' }], ['POST', '/api/notify-sinks/webhook/test', {}], ['POST', '/api/notify-sinks/webhook/remove', {}]] as const) {
      const res = await call(method, path, body, await sessionCookie(role, `someone-${role}`));
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(sinks.list()).toEqual(before);
    expect((await call('GET', '/api/notify-sinks', undefined, '')).status).toBe(401);
  });

  it('refuses a change that is not JSON from an allowed origin, and bodies that are not a sink', async () => {
    expect((await call('POST', '/api/notify-sinks', { id: 'x', format: 'json', url: 'https://a.test/' }, await admin(), { origin: 'https://evil.test' })).status).toBe(403);
    expect((await call('POST', '/api/notify-sinks', 'id=x&format=json&url=https://a.test/', await admin(), { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(403);
    for (const body of [
      '{not json', null, [], { id: 'x', format: 'json' }, { id: 'x', format: 'xml', url: 'https://a.test/' }, { id: 'X Y', format: 'json', url: 'https://a.test/' },
      { id: 'x', format: 'json', url: 'file:///etc/passwd' }, { id: 'x', format: 'json', url: 'javascript:alert(1)' }, { id: 'x', format: 'json', url: 'https://u:p@a.test/' },
      { id: 'x', format: 'json', url: 'https://a.test/', createdAt: 1 }, { id: 'x', format: 'json', url: `https://a.test/${'a'.repeat(20_000)}` },
    ]) {
      const res = await call('POST', '/api/notify-sinks', body, await admin());
      expect([JSON.stringify(body).slice(0, 60), res.status]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
    }
    expect((await call('POST', '/api/notify-sinks/..%2F/remove', {}, await admin())).status).toBe(404);
    expect(sinkRecords).toEqual([]);
  });

  it('lets an admin add, change and remove a sink, written to the topic and shown masked; environment sinks are read-only', async () => {
    const added = await call('POST', '/api/notify-sinks', { id: 'ops-slack', format: 'slack', url: slack }, await admin());
    expect([added.status, await added.json()]).toEqual([201, expect.objectContaining({ id: 'ops-slack', format: 'slack', url: 'https://hooks.slack.test/…wxyz', source: 'admin', updatedBy: 'admin' })]);
    expect(sinkRecords.at(-1)).toEqual(['ops-slack', expect.objectContaining({ id: 'ops-slack', url: slack })]);
    const listed = JSON.stringify(await (await call('GET', '/api/notify-sinks', undefined, await admin())).json());
    expect(listed).not.toContain('verysecret');
    expect(listed).not.toContain('secret-path');
    const createdAt = sinks.sinks().find((s) => s.id === 'ops-slack')!.since;
    const changed = await call('POST', '/api/notify-sinks', { id: 'ops-slack', format: 'json', url: 'https://other.test/in' }, await admin());
    expect(changed.status).toBe(200);
    expect(sinks.get('ops-slack')).toMatchObject({ format: 'json', url: 'https://other.test/in', since: createdAt });
    expect((await call('POST', '/api/notify-sinks', { id: 'webhook', format: 'json', url: 'https://a.test/' }, await admin())).status).toBe(409);
    expect((await call('POST', '/api/notify-sinks/webhook/remove', {}, await admin())).status).toBe(409);
    expect((await call('POST', '/api/notify-sinks/ops-slack/remove', {}, await admin())).status).toBe(200);
    expect(sinkRecords.at(-1)).toEqual(['ops-slack', null]);
    expect(sinks.get('ops-slack')).toBeUndefined();
    expect((await call('POST', '/api/notify-sinks/ops-slack/remove', {}, await admin())).status).toBe(404);
  });

  it('refuses a seventeenth sink', async () => {
    for (let i = 1; sinks.size < 16; i++) expect((await call('POST', '/api/notify-sinks', { id: `s-${i}`, format: 'json', url: 'https://a.test/' }, await admin())).status).toBe(201);
    const res = await call('POST', '/api/notify-sinks', { id: 'one-more', format: 'json', url: 'https://a.test/' }, await admin());
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([409, expect.stringMatching(/16 sinks already/)]);
    for (const s of sinks.list().filter((x) => x.source === 'admin')) await call('POST', `/api/notify-sinks/${s.id}/remove`, {}, await admin());
    expect(sinks.size).toBe(1);
  });

  it('sends a test message and answers how it went: delivered, refused, or no answer', async () => {
    const got: unknown[] = [];
    let status = 204;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      expect((await call('POST', '/api/notify-sinks', { id: 'tryme', format: 'json', url: hook }, await admin())).status).toBe(201);
      const ok = await call('POST', '/api/notify-sinks/tryme/test', {}, await admin());
      expect(await ok.json()).toEqual({ ok: true, detail: 'HTTP 204' });
      expect(got).toEqual([expect.objectContaining({ kind: 'test', source: 'gw-test', subject: 'test:tryme', eventId: expect.stringMatching(/^test:tryme@\d+$/) })]);
      status = 500;
      expect(await (await call('POST', '/api/notify-sinks/tryme/test', {}, await admin())).json()).toEqual({ ok: false, detail: 'HTTP 500' });
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      receiver.closeAllConnections();
      expect(await (await call('POST', '/api/notify-sinks/tryme/test', {}, await admin())).json()).toMatchObject({ ok: false });
    } finally {
      receiver.close();
      await call('POST', '/api/notify-sinks/tryme/remove', {}, await admin());
    }
    expect((await call('POST', '/api/notify-sinks/nobody/test', {}, await admin())).status).toBe(404);
  });

  it('answers 503 and changes nothing while Kafka is down', async () => {
    kafkaDown = true;
    try {
      const res = await call('POST', '/api/notify-sinks', { id: 'late', format: 'json', url: 'https://a.test/' }, await admin());
      expect(res.status).toBe(503);
      expect(sinks.get('late')).toBeUndefined();
    } finally {
      kafkaDown = false;
    }
    expect(failures).toBe(0);
  });
});

describe('a screen address hands its token over to a cookie', () => {
  beforeAll(() => {
    kafkaDown = false;
  });
  const own = { origin: 'http://127.0.0.1:3999' };
  const issue = async (request: object) => {
    const res = await fetch(`${url}/api/grants`, { method: 'POST', body: JSON.stringify(request), headers: { 'content-type': 'application/json', ...own, cookie: await sessionCookie('admin') } });
    expect(res.status).toBe(201);
    return (await res.json()) as { token: string; url: string; grant: { grantId: string } };
  };
  const get = (path: string, cookie?: string) => fetch(`${url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const cookieOf = (res: Response, panel = 'wall') => res.headers.getSetCookie().find((c) => c.startsWith(`sw_screen_${panel}=`));
  const renew = (cookie: string, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }, panel = 'wall') => fetch(`${url}/auth/screen?panel=${panel}`, { method: 'POST', headers: { cookie, ...headers } });

  it('answers the address with a short-lived HttpOnly cookie and the same address without the token; the page then loads on the cookie', async () => {
    const { token, url: address } = await issue({ label: 'lobby wall', role: 'wall', panels: ['wall'], origins: [], validForMs: 3_600_000 });
    const handOver = await get(`${new URL(address).pathname}?rotate=30&token=${token}`);
    expect(handOver.status).toBe(303);
    expect(handOver.headers.get('location')).toBe('/wall?rotate=30');
    const set = cookieOf(handOver)!;
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Lax/);
    // The cookie holds a session token of the test's TOKEN_TTL_MS, never the year-long grant token.
    const value = set.split(';')[0]!;
    expect(value).not.toContain(token);
    expect(Number(/Max-Age=(\d+)/.exec(set)![1])).toBeLessThanOrEqual(access.grants.tokenTtlMs / 1000);
    const page = await get('/wall?rotate=30', value);
    expect([page.status, await page.text()]).toEqual([200, 'page']);
    expect(await get('/wall')).toHaveProperty('status', 303);
  });

  it('renews the cookie from its own pages only, and refuses it once the grant is revoked', async () => {
    const { token, grant } = await issue({ label: 'ops wall', role: 'wall', panels: ['wall'], origins: [], validForMs: 3_600_000 });
    const cookie = cookieOf(await get(`/wall?token=${token}`))!.split(';')[0]!;
    const renewed = await renew(cookie);
    expect(renewed.status).toBe(200);
    expect(((await renewed.json()) as { validForMs: number }).validForMs).toBeGreaterThan(0);
    expect(cookieOf(renewed)).toMatch(/^sw_screen_wall=ey/);
    // Another panel's cookie, or none named, renews nothing.
    expect((await renew(cookie, undefined, 'kpis')).status).toBe(401);
    expect((await renew(cookie, undefined, 'nope')).status).toBe(400);
    expect((await renew(cookie, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await renew(cookie, { origin: 'https://evil.example' })).status).toBe(403);

    const revoked = await fetch(`${url}/api/grants/${grant.grantId}/revoke`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', ...own, cookie: await sessionCookie('admin') } });
    expect(revoked.status).toBe(200);
    const refused = await get('/wall', cookie);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('The token was revoked by an admin.');
    // Kept, so that a reload keeps saying why rather than asking to sign in.
    expect(cookieOf(refused)).toBeUndefined();
    const renewRefused = await renew(cookie);
    expect([renewRefused.status, ((await renewRefused.json()) as { reason: string }).reason]).toEqual([401, 'revoked']);
    expect((await get(`/wall?token=${token}`)).status).toBe(401);
  });

  it('keeps an embed cookie to its panels and its framing origins', async () => {
    const { token } = await issue({ label: 'tools', role: 'embed', panels: ['kpis'], origins: ['https://tools.example.com'], validForMs: 60_000 });
    const elsewhere = await get(`/embed/map?token=${token}`);
    expect([elsewhere.status, cookieOf(elsewhere, 'map')]).toEqual([403, undefined]);
    const cookie = cookieOf(await get(`/embed/kpis?token=${token}`), 'kpis')!.split(';')[0]!;
    const page = await get('/embed/kpis', cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/; frame-ancestors 'self' https:\/\/tools\.example\.com$/);
    // The kpis cookie is not the map's: no one's screen there, so off to sign in.
    expect((await get('/embed/map', cookie)).status).toBe(303);
    // Not a screen: the cookie is no one's session there.
    expect((await get('/fraud', cookie)).status).toBe(303);
  });

  it('never copies a token into the sign-in address', async () => {
    const { token } = await issue({ label: 'stray', role: 'wall', panels: ['wall'], origins: [], validForMs: 60_000 });
    const res = await get(`/fraud?alert=a-1&token=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/fraud?alert=a-1')}`);
  });

  it('no screen request made a handler fail', () => {
    expect(failures).toBe(0);
  });
});

describe("a page's Content-Security-Policy", () => {
  it('gives every answer a fresh script nonce, and hands Next.js the same policy on the request', async () => {
    const cookie = await sessionCookie('ops');
    const answers = await Promise.all([1, 2].map(() => fetch(`${url}/fraud`, { headers: { cookie } })));
    const policies = answers.map((a) => a.headers.get('content-security-policy')!);
    const nonces = policies.map((p) => /'nonce-([\w+/=]+)'/.exec(p)![1]);
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(answers.map((a) => a.headers.get('x-policy-seen-by-pages'))).toEqual(policies);
    expect(policies[0]).not.toMatch(/unsafe-inline'[^;]*;.*script-src|script-src[^;]*unsafe-(inline|eval)/);
  });

  it("gives the gateway's own pages (sign-in, refusals) no script at all", async () => {
    const login = await fetch(`${url}/login`);
    expect(login.headers.get('content-security-policy')).toMatch(/script-src 'none'/);
  });
});

describe('the page gate', () => {
  /** Who asks: nobody, a signed-in role, or a screen's cookie for one panel. */
  type Who = 'nobody' | 'ops' | 'admin' | 'wall screen' | 'kpis screen' | 'expired ops';
  const screens = new Map<string, string>();
  beforeAll(async () => {
    kafkaDown = false;
    for (const [panel, role, path] of [['wall', 'wall', '/wall'], ['kpis', 'embed', '/embed/kpis']] as const) {
      const issued = await fetch(`${url}/api/grants`, {
        method: 'POST',
        body: JSON.stringify({ label: `gate ${panel}`, role, panels: [panel], origins: [], validForMs: 3_600_000 }),
        headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3999', cookie: await sessionCookie('admin') },
      });
      const { token } = (await issued.json()) as { token: string };
      const handOver = await fetch(`${url}${path}?token=${token}`, { redirect: 'manual' });
      screens.set(panel, handOver.headers.getSetCookie().find((c) => c.startsWith(`sw_screen_${panel}=`))!.split(';')[0]!);
    }
  });
  const cookieOf = async (who: Who): Promise<string | undefined> => {
    if (who === 'nobody') return undefined;
    if (who === 'wall screen') return screens.get('wall');
    if (who === 'kpis screen') return screens.get('kpis');
    if (who === 'expired ops') return sessionCookie('ops', 'ops', -1_000);
    return sessionCookie(who);
  };
  // path, who asks → status, and where a redirect goes (or the page's own text).
  const table: [string, Who, number, string][] = [
    ['/', 'nobody', 303, '/login?next=%2F'],
    ['/fraud?alert=a-1', 'nobody', 303, `/login?next=${encodeURIComponent('/fraud?alert=a-1')}`],
    ['/fraud', 'expired ops', 303, '/login?next=%2Ffraud&error=expired'],
    ['/fraud', 'ops', 200, 'page'],
    ['/admin', 'ops', 403, 'Admins only'],
    ['/admin/users', 'ops', 403, 'Admins only'],
    ['/admin', 'admin', 200, 'page'],
    ['/wall', 'wall screen', 200, 'page'],
    ['/wall', 'nobody', 303, '/login?next=%2Fwall'],
    ['/embed/kpis', 'kpis screen', 200, 'page'],
    // A screen's cookie is for its panel's page only: elsewhere it is nobody.
    ['/embed/kpis', 'wall screen', 303, '/login?next=%2Fembed%2Fkpis'],
    ['/fraud', 'wall screen', 303, '/login?next=%2Ffraud'],
    ['/admin', 'kpis screen', 303, '/login?next=%2Fadmin'],
    ['/wall?token=not-a-token', 'nobody', 401, 'This screen cannot be shown'],
    ['/embed/nope', 'nobody', 303, '/login?next=%2Fembed%2Fnope'],
    // What holds no data passes without a session: scripts, icons, the socket (it checks its own handshake).
    ['/_next/static/chunks/app.js', 'nobody', 200, 'page'],
    ['/favicon.ico', 'nobody', 200, 'page'],
    ['/socket.io/?EIO=4&transport=polling', 'nobody', 200, 'page'],
    // ...but nothing that only looks like them.
    ['/favicon.ico/../fraud', 'nobody', 303, '/login?next=%2Ffraud'],
    ['/fraud.png.html', 'nobody', 303, '/login?next=%2Ffraud.png.html'],
  ];

  it.each(table)('%s for %s: %i %s', async (path, who, status, expected) => {
    const cookie = await cookieOf(who);
    const res = await fetch(`${url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    expect(res.status).toBe(status);
    if (status === 303) expect(res.headers.get('location')).toBe(expected);
    else expect(await res.text()).toContain(expected);
  });
});
