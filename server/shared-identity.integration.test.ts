import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkaSecurityEnv } from '../lib/kafka-auth';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents, type SessionEnd, type SessionInfo } from '../lib/protocol';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { until } from './testing/until';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/**
 * One set of users and sessions for every gateway, against the real broker: users live on
 * governance.users and sign-outs on governance.sessions, so what happens on one gateway (a
 * sign-out, an admin re-roling, signing out or removing a user) holds on the other's open
 * pages and sockets within 5 s, and on a gateway started afterwards.
 */
const run = Date.now().toString(36);
const brokers = inject('brokers');
const ADMIN_PASSWORD = 'integration-admin-password';
const NINA = { name: `nina-${run}`, password: 'nina-password-0123' };
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const sockets: Client[] = [];
const gateways: TestGateway[] = [];
const took: Record<string, number> = {};

async function gateway(name: string): Promise<string> {
  const port = (await freePorts(1))[0]!;
  const g = await startTestGateway(
    { PORT: String(port), KAFKA_BROKERS: brokers, ...kafkaSecurityEnv(kafkaAuth.gateway), GATEWAY_ID: `${name}-${run}`, LAG_POLL_MS: '1000', LOGIN_ATTEMPTS_PER_MINUTE: '200', STREAMWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD },
    (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>'),
  );
  gateways.push(g);
  const url = `http://127.0.0.1:${port}`;
  await until(`${name} ready`, async () => (await fetch(`${url}/readyz`)).ok);
  return url;
}

async function signIn(url: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }), redirect: 'manual' });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('sw_session=') && c.length > 12);
  if (!cookie) throw new Error(`${name} could not sign in on ${url} (${res.status} ${res.headers.get('location')})`);
  return cookie;
}

async function adminCall(url: string, cookie: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: url }, body: JSON.stringify(body) });
}

/** A dashboard's socket: who the gateway says it is, and how and when its session ended. */
async function dashboard(url: string, cookie: string) {
  const socket: Client = io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  const seen: { info: SessionInfo | null; ended: SessionEnd | null; endedAt: number } = { info: null, ended: null, endedAt: 0 };
  socket.on('session:info', (info) => (seen.info = info));
  socket.on('session:ended', (end) => {
    seen.ended = end;
    seen.endedAt = Date.now();
  });
  await until('the dashboard connected', () => seen.info !== null, 10_000);
  return { socket, seen };
}

/** Where a page request with this cookie goes: 200, or the sign-in page with its reason. */
async function page(url: string, cookie: string): Promise<string> {
  const res = await fetch(`${url}/`, { headers: { cookie }, redirect: 'manual' });
  return res.status === 200 ? '200' : `${res.status} ${res.headers.get('location')}`;
}

let urlA: string;
let urlB: string;
let admin: string;

beforeAll(async () => {
  urlA = await gateway('identity-a');
  urlB = await gateway('identity-b');
  admin = await signIn(urlA, 'admin', ADMIN_PASSWORD);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const g of gateways) await g.close();
  console.log(`[identity] took on the other gateway: ${Object.entries(took).map(([what, ms]) => `${what} ${ms} ms`).join(', ')}`);
});

describe('users and sessions shared by every gateway', () => {
  it('a user added on one gateway signs in on the other', async () => {
    expect((await adminCall(urlA, admin, '/api/users', { ...NINA, role: 'ops' })).status).toBe(201);
    const started = Date.now();
    await until('the user known on gateway B', async () => {
      const res = await fetch(`${urlB}/auth/login`, { method: 'POST', body: new URLSearchParams({ ...NINA, next: '/' }), redirect: 'manual' });
      return res.headers.get('location') === '/';
    }, 5_000);
    took['user added'] = Date.now() - started;
  });

  it('a sign-out on one gateway ends that session on the other, for its socket and for a copied cookie', async () => {
    const cookie = await signIn(urlB, NINA.name, NINA.password);
    const other = await signIn(urlB, NINA.name, NINA.password);
    const onA = await dashboard(urlA, cookie);
    expect(onA.seen.info).toMatchObject({ name: NINA.name, role: 'ops' });
    expect(await page(urlA, cookie)).toBe('200');
    const started = Date.now();
    const out = await fetch(`${urlB}/auth/logout`, { method: 'POST', headers: { cookie, origin: urlB }, redirect: 'manual' });
    expect(out.headers.get('location')).toBe('/login?error=signed-out');
    await until('the socket on gateway A cut', () => onA.seen.ended !== null, 5_000);
    took['sign-out'] = onA.seen.endedAt - started;
    expect(onA.seen.ended).toMatchObject({ reason: 'signed-out' });
    expect(await page(urlA, cookie)).toBe('303 /login?next=%2F&error=signed-out');
    // Only that session: the same user's other session is still good.
    expect(await page(urlA, other)).toBe('200');
    const refused = io(urlA, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    sockets.push(refused);
    expect(await new Promise<string>((resolve) => refused.once('connect_error', (e) => resolve(e.message)))).toMatch(/^unauthorized/);
  });

  it("an admin's role change on one gateway applies to the user's open socket on the other, which reconnects as the new role", async () => {
    const cookie = await signIn(urlA, NINA.name, NINA.password);
    const onB = await dashboard(urlB, cookie);
    expect(onB.seen.info?.streams).toContain('alerts');
    const started = Date.now();
    expect((await adminCall(urlA, admin, `/api/users/${NINA.name}/role`, { role: 'viewer' })).status).toBe(200);
    await until('the socket on gateway B told of its new role', () => onB.seen.ended !== null, 5_000);
    took['role change'] = onB.seen.endedAt - started;
    expect(onB.seen.ended).toMatchObject({ reason: 'role-changed' });
    // The same cookie, reconnected: the viewer's streams, and no fraud alerts.
    const again = await dashboard(urlB, cookie);
    expect(again.seen.info).toMatchObject({ name: NINA.name, role: 'viewer' });
    expect(again.seen.info?.streams).not.toContain('alerts');
    const denied = new Promise<string>((resolve) => again.socket.once('access:denied', (d) => resolve(d.what)));
    again.socket.emit('alerts:subscribe');
    expect(await denied).toBe('subscribe:alerts');
    const me = await fetch(`${urlB}/auth/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ name: NINA.name, role: 'viewer' });
  });

  it('"sign this user out" ends every session the user has, on every gateway, and not the ones begun after', async () => {
    const [first, second] = [await signIn(urlA, NINA.name, NINA.password), await signIn(urlB, NINA.name, NINA.password)];
    const screens = [await dashboard(urlB, first), await dashboard(urlA, second)];
    const started = Date.now();
    expect((await adminCall(urlA, admin, `/api/users/${NINA.name}/sign-out`, {})).status).toBe(200);
    await until('both sockets cut', () => screens.every((s) => s.seen.ended !== null), 5_000);
    took['sign this user out'] = Math.max(...screens.map((s) => s.seen.endedAt)) - started;
    expect(screens.map((s) => s.seen.ended?.reason)).toEqual(['signed-out', 'signed-out']);
    expect([await page(urlB, first), await page(urlB, second)]).toEqual(['303 /login?next=%2F&error=signed-out', '303 /login?next=%2F&error=signed-out']);
    const later = await signIn(urlB, NINA.name, NINA.password);
    expect(await page(urlA, later)).toBe('200');
  });

  it('a user removed on one gateway is signed out on the other and cannot sign in anywhere, nor on a gateway started afterwards', async () => {
    const cookie = await signIn(urlA, NINA.name, NINA.password);
    const onB = await dashboard(urlB, cookie);
    const started = Date.now();
    expect((await adminCall(urlA, admin, `/api/users/${NINA.name}/remove`, {})).status).toBe(200);
    await until('the socket on gateway B cut', () => onB.seen.ended !== null, 5_000);
    took['user removed'] = onB.seen.endedAt - started;
    expect(onB.seen.ended).toMatchObject({ reason: 'signed-out' });
    const urlC = await gateway('identity-c');
    for (const url of [urlA, urlB, urlC]) {
      expect(await page(url, cookie)).toBe('303 /login?next=%2F&error=signed-out');
      const res = await fetch(`${url}/auth/login`, { method: 'POST', body: new URLSearchParams({ ...NINA, next: '/' }), redirect: 'manual' });
      expect(res.headers.get('location')).toMatch(/^\/login\?error=invalid/);
    }
    // The admin, who signed in on A before C existed, is known to C as well.
    expect(await page(urlC, admin)).toBe('200');
  });
});
