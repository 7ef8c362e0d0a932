import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkajsSecurity, kafkaSecurityEnv } from '../lib/kafka-auth';
import { actions, roles, streams, type Role, type Stream } from '../lib/access';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents, type SessionEnd } from '../lib/protocol';
import { AuditEvent } from '../lib/schemas/audit-event';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { deadLetterHeaders, topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { sessionCookie } from './testing/credentials';
import { until } from './testing/until';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/**
 * Access control against the real gateway and broker: sign-in and its rate limit, the
 * permission table enforced on every subscription and action, per-role projections, screen
 * tokens (renewal, expiry, revocation across two gateways), origins, CSP and the audit trail.
 */
const run = Date.now().toString(36);
const brokers = inject('brokers');
const kafka = new Kafka({ clientId: 'access-test', brokers: brokers.split(','), ...kafkajsSecurity(kafkaAuth.admin), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const sockets: Client[] = [];
const ADMIN_PASSWORD = 'integration-admin-password';
let a: TestGateway;
let b: TestGateway;
let urlA: string;
let urlB: string;

const alert: FraudAlert = {
  alertId: `acc-${run}`, rule: 'velocity', score: 0.91, cardToken: 'tok_0123456789abcdef', bin: '411111', last4: '1111',
  paymentIds: [`p-${run}`], lat: 12.971234, lon: 77.594567, eventTime: Date.now() - 2000, detectedAt: Date.now() - 1000,
};

function connect(url: string, auth: { cookie?: string; token?: string; origin?: string }): Client {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  const s: Client = io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: headers, auth: auth.token ? { token: auth.token } : {}, reconnection: false });
  sockets.push(s);
  return s;
}

const refusal = (s: Client) => new Promise<string>((resolve) => s.once('connect_error', (e) => resolve(e.message)));

async function login(url: string, name: string, password: string) {
  return fetch(`${url}/auth/login`, { method: 'POST', body: new URLSearchParams({ name, password, next: '/fraud' }), redirect: 'manual' });
}

async function issue(url: string, cookie: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/api/grants`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: url }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { token: string; expiresAt: number; grant: { grantId: string; expiresAt: number }; error?: string } };
}

async function gateway(name: string, extra: Record<string, string> = {}) {
  const port = (await freePorts(1))[0]!;
  const g = await startTestGateway(
    { PORT: String(port), KAFKA_BROKERS: brokers, ...kafkaSecurityEnv(kafkaAuth.gateway), GATEWAY_ID: `${name}-${run}`, DELTA_INTERVAL_MS: '50', TOKEN_TTL_MS: '4000', LAG_POLL_MS: '500', STREAMWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD, ...extra },
    (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>'),
  );
  return { g, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  await producer.connect();
  await producer.send({ topic: topics.fraudAlerts.name, messages: [{ key: alert.cardToken, value: JSON.stringify(alert) }] });
  await producer.send({
    topic: topics.rideRequestsDlq.name,
    messages: [{ value: `{"riderId":"rdr-${run}","lat":12.971234,"lon":"east"}`, headers: { [deadLetterHeaders.reason]: 'lon: expected number', [deadLetterHeaders.job]: 'surge' } }],
  });
  ({ g: a, url: urlA } = await gateway('acc-a'));
  ({ g: b, url: urlB } = await gateway('acc-b'));
  await until('both gateways ready', async () => (await fetch(`${urlA}/readyz`)).ok && (await fetch(`${urlB}/readyz`)).ok);
  await until('the alert in both views', () => a.alerts.size > 0 && b.alerts.size > 0);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await a?.close();
  await b?.close();
  await producer.disconnect();
});

describe('sign-in', () => {
  it('sets an httpOnly SameSite session cookie for the right password and lets pages through with it', async () => {
    expect((await fetch(`${urlA}/fraud`, { redirect: 'manual' })).headers.get('location')).toBe('/login?next=%2Ffraud');
    const wrong = await login(urlA, 'admin', 'not-the-password');
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get('location')).toContain('/login?error=invalid');
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const right = await login(urlA, 'admin', ADMIN_PASSWORD);
    expect(right.headers.get('location')).toBe('/fraud');
    const [cookie] = right.headers.getSetCookie();
    expect(cookie).toMatch(/^sw_session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const page = await fetch(`${urlB}/fraud`, { headers: { cookie: cookie!.split(';')[0]! }, redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[\w+/=]{24}' 'strict-dynamic'( 'unsafe-eval')?;.*; frame-ancestors 'self'$/);
    const me = await fetch(`${urlB}/auth/me`, { headers: { cookie: cookie!.split(';')[0]! } });
    expect(await me.json()).toMatchObject({ name: 'admin', role: 'admin', kind: 'user' });
  });

  it('rate-limits guessing: the sixth try in a minute is refused with Retry-After, even with the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(urlA, 'victim', `guess-${i}`)).status);
    const sixth = await login(urlA, 'victim', 'guess-6');
    expect(statuses).toEqual([303, 303, 303, 303, 303]);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await login(urlA, 'admin2', `guess-${i}`);
    await a.access.users.put('admin2', 'ops', 'a-long-enough-password', 'test');
    expect((await login(urlA, 'admin2', 'a-long-enough-password')).status).toBe(429);
    expect((await login(urlA, 'admin', ADMIN_PASSWORD)).status).toBe(303);
  });
});

describe('socket handshake', () => {
  it('refuses no credentials, a forged cookie, an expired session and a foreign origin, each with a reason', async () => {
    expect(await refusal(connect(urlA, {}))).toBe('unauthorized: sign in first');
    expect(await refusal(connect(urlA, { cookie: 'sw_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged' }))).toBe('unauthorized: sign in first');
    expect(await refusal(connect(urlA, { cookie: await sessionCookie('admin', 'old', -1000) }))).toBe('unauthorized: your session has expired; sign in again');
    expect(await refusal(connect(urlA, { cookie: await sessionCookie('admin'), origin: 'https://evil.example' }))).toBe('origin: https://evil.example is not allowed to connect');
    const ok = connect(urlA, { cookie: await sessionCookie('admin'), origin: urlA });
    await until('allowed origin connects', () => ok.connected, 10_000);
  });

  it('rate-limits connects per address, valid credentials or not', async () => {
    const { g, url } = await gateway('acc-rate', { CONNECTS_PER_10S: '5' });
    try {
      const cookie = await sessionCookie('viewer');
      const outcomes: string[] = [];
      for (let i = 0; i < 7; i++) {
        const s = connect(url, { cookie });
        outcomes.push(await new Promise<string>((resolve) => {
          s.once('connect', () => resolve('connected'));
          s.once('connect_error', (e) => resolve(e.message));
        }));
      }
      expect(outcomes.slice(0, 5)).toEqual(Array(5).fill('connected'));
      expect(outcomes.slice(5)).toEqual(Array(2).fill('rate-limited: too many connects from this address; retry in a few seconds'));
    } finally {
      await g.close();
    }
  });
});

/** What each subscription returns, as events a client would see. */
const probes: Record<Stream, { subscribe: keyof ClientToServerEvents; data: keyof ServerToClientEvents }> = {
  drivers: { subscribe: 'drivers:subscribe', data: 'drivers:snapshot' },
  surge: { subscribe: 'analytics:subscribe', data: 'analytics:state' },
  kpis: { subscribe: 'analytics:subscribe', data: 'analytics:state' },
  alerts: { subscribe: 'alerts:subscribe', data: 'alerts:snapshot' },
  lag: { subscribe: 'lag:subscribe', data: 'lag:report' },
  pipeline: { subscribe: 'pipeline:subscribe', data: 'pipeline:status' },
  quarantine: { subscribe: 'pipeline:subscribe', data: 'pipeline:data' },
  audit: { subscribe: 'audit:subscribe', data: 'audit:snapshot' },
};

async function signedIn(role: Role): Promise<{ socket: Client; received: Map<string, unknown[]>; denied: string[] }> {
  const socket = connect(urlA, { cookie: await sessionCookie(role, `${role}-user`) });
  const received = new Map<string, unknown[]>();
  const denied: string[] = [];
  socket.onAny((event: string, ...args: unknown[]) => received.set(event, [...(received.get(event) ?? []), args[0]]));
  socket.on('access:denied', (d) => denied.push(d.what));
  await until(`${role} connected`, () => socket.connected && received.has('session:info'), 10_000);
  return { socket, received, denied };
}

describe('the permission table, enforced by the gateway', () => {
  it.each(roles)('%s gets exactly the streams its role may see, and only its projection of them', async (role) => {
    const { socket, received, denied } = await signedIn(role);
    for (const s of streams) socket.emit(probes[s].subscribe as 'lag:subscribe');
    const answered = (s: Stream) => received.has(probes[s].data) || denied.includes(`subscribe:${s === 'quarantine' || s === 'pipeline' ? 'pipeline' : s}`) || (s === 'pipeline' && received.has('pipeline:data'));
    await until(`${role}: an answer to every subscription`, () => streams.every(answered), 20_000);
    // Two more status broadcasts (once a second) as a sentinel: whatever the gateway's periodic
    // ticks would push to this socket by then has arrived before them.
    const statuses = received.get('gateway:status')?.length ?? 0;
    await until(`${role}: two more status broadcasts`, () => (received.get('gateway:status')?.length ?? 0) >= statuses + 2, 10_000);
    const info = received.get('session:info')![0] as { streams: Stream[] };
    for (const s of streams) {
      const allowed = info.streams.includes(s);
      if (s === 'quarantine') {
        // Quarantined samples ride on pipeline:data: counts for every pipeline viewer, records only where allowed.
        const data = received.get('pipeline:data')?.[0] as { quarantine: { topic: string; count: number; samples: unknown[] }[] } | undefined;
        const dlq = data?.quarantine.find((q) => q.topic === topics.rideRequestsDlq.name);
        if (info.streams.includes('pipeline') || allowed) expect(dlq!.samples.length > 0, `${role} samples`).toBe(allowed);
        else expect(data).toBeUndefined();
        continue;
      }
      if (s === 'pipeline') {
        expect(received.has('pipeline:status'), `${role} pipeline status`).toBe(allowed);
        expect(received.has('pipeline:data') && (received.get('pipeline:data')![0] as { topics: unknown[] }).topics.length > 0, `${role} topic sizes`).toBe(allowed);
        continue;
      }
      if (s === 'surge' || s === 'kpis') continue;
      expect(received.has(probes[s].data), `${role} ${s}`).toBe(allowed);
      expect(denied.includes(`subscribe:${s}`), `${role} ${s} denied`).toBe(!allowed);
    }
    const everything = JSON.stringify([...received.values()]);
    expect(everything).not.toContain(`rdr-${run}`);
    if (received.has('alerts:snapshot')) {
      const shown = (received.get('alerts:snapshot')![0] as { alert: FraudAlert }[]).find((r) => r.alert.alertId === alert.alertId)!.alert;
      const expected = { admin: ['411111', '1111', 12.971234], 'fraud-analyst': ['411111', '1111', 12.971234], ops: [null, '1111', 12.9725], viewer: [], wall: [null, null, 12.9725], embed: [null, null, 12.9725] }[role];
      expect([shown.bin, shown.last4, shown.lat]).toEqual(expected);
    }
    if (!['admin', 'fraud-analyst'].includes(role)) expect(everything).not.toContain('12.971234');
  });

  it.each(roles)('%s may take exactly the actions its role allows (alert triage over the socket, tokens over HTTP)', async (role) => {
    const { socket } = await signedIn(role);
    const cookie = await sessionCookie(role, `${role}-user`);
    const requests = {
      'alert:acknowledge': { type: 'acknowledge' },
      'alert:assign': { type: 'assign', assignee: 'someone' },
      'alert:resolve': { type: 'resolve', resolution: 'fraud' },
      'alert:comment': { type: 'comment', text: 'checked' },
    } as const;
    const permitted: Record<string, boolean> = {};
    for (const [action, request] of Object.entries(requests)) {
      const result = await socket.emitWithAck('alerts:action', { ...request, alertId: alert.alertId, actionId: randomUUID() } as never);
      // Past the permission check an action may still lose to the alert's state; that is not a refusal by role.
      permitted[action] = result.ok || !result.reason.includes('may not');
    }
    const issued = await issue(urlA, cookie, { label: `by ${role}`, role: 'wall', panels: ['wall'], validForMs: 60_000 });
    permitted['token:issue'] = issued.status === 201;
    const target = (await issue(urlA, await sessionCookie('admin'), { label: 'to revoke', role: 'wall', panels: ['wall'], validForMs: 60_000 })).body.grant.grantId;
    const revoke = await fetch(`${urlA}/api/grants/${target}/revoke`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    permitted['token:revoke'] = revoke.status === 200;
    const table: Record<Role, string[]> = {
      admin: [...actions],
      'fraud-analyst': ['alert:acknowledge', 'alert:assign', 'alert:resolve', 'alert:comment'],
      ops: ['alert:acknowledge', 'alert:comment'],
      viewer: [],
      wall: [],
      embed: [],
    };
    expect(permitted).toEqual(Object.fromEntries(actions.map((act) => [act, table[role].includes(act)])));
  });
});

describe('wall and embed tokens', () => {
  it('renews a wall token over the socket, then cuts the socket within seconds of the grant running out, with the reason', async () => {
    const admin = await sessionCookie('admin');
    const { body } = await issue(urlA, admin, { label: 'expiring wall', role: 'wall', panels: ['wall'], validForMs: 7_000 });
    // Connected to the other gateway: the grant reaches it through governance.grants.
    const wall = connect(urlB, { token: body.token });
    const renewed: number[] = [];
    let ended: { end: SessionEnd; at: number } | null = null;
    wall.on('session:token', (t) => renewed.push(t.expiresAt));
    wall.on('session:ended', (end) => (ended = { end, at: Date.now() }));
    await until('the wall connects', () => wall.connected, 10_000);
    await until('the wall is cut', () => ended !== null, 20_000);
    const cutAfterMs = ended!.at - body.grant.expiresAt;
    console.log(`[access] token renewals before the grant ended: ${renewed.length}; socket cut ${cutAfterMs} ms after the grant expired (reason: ${ended!.end.reason})`);
    expect(renewed.length).toBeGreaterThanOrEqual(1);
    expect(renewed.at(-1)).toBeLessThanOrEqual(body.grant.expiresAt);
    expect(ended!.end).toEqual({ reason: 'expired', message: 'The token has expired. Ask an admin for a new one.' });
    await until('disconnected', () => !wall.connected, 5_000);
    expect(await refusal(connect(urlB, { token: body.token }))).toBe('unauthorized: The token has expired. Ask an admin for a new one.');
  });

  it('revokes a token on every gateway at once: a socket on the other gateway is cut with the reason', async () => {
    const admin = await sessionCookie('admin');
    const { body } = await issue(urlA, admin, { label: 'revoked wall', role: 'wall', panels: ['wall'], validForMs: 3_600_000 });
    const wall = connect(urlB, { token: body.token });
    let ended: { end: SessionEnd; at: number } | null = null;
    wall.on('session:ended', (end) => (ended = { end, at: Date.now() }));
    await until('the wall connects', () => wall.connected, 10_000);
    const revokedAt = Date.now();
    const res = await fetch(`${urlA}/api/grants/${body.grant.grantId}/revoke`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json', origin: urlA }, body: '{}' });
    expect(res.status).toBe(200);
    await until('the wall on the other gateway is cut', () => ended !== null, 10_000);
    console.log(`[access] revoked on gateway A, socket on gateway B cut ${ended!.at - revokedAt} ms later`);
    expect(ended!.end.reason).toBe('revoked');
    expect(await refusal(connect(urlA, { token: body.token }))).toBe('unauthorized: The token was revoked by an admin.');
    const page = await fetch(`${urlB}/wall?token=${body.token}`);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('The token was revoked by an admin.');
  });

  it('lets an embed token frame only its panels, from its origins (CSP frame-ancestors)', async () => {
    const admin = await sessionCookie('admin');
    const { body } = await issue(urlA, admin, { label: 'tools', role: 'embed', panels: ['kpis'], origins: ['https://tools.example.com'], validForMs: 60_000 });
    // The address's token is handed over to a screen cookie; the page loads on it.
    const handOver = await fetch(`${urlA}/embed/kpis?token=${body.token}`, { redirect: 'manual' });
    expect([handOver.status, handOver.headers.get('location')]).toEqual([303, '/embed/kpis']);
    const screen = handOver.headers.getSetCookie().find((c) => c.startsWith('sw_screen_kpis='))!.split(';')[0]!;
    const page = await fetch(`${urlB}/embed/kpis`, { headers: { cookie: screen } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/; frame-ancestors 'self' https:\/\/tools\.example\.com$/);
    expect((await fetch(`${urlA}/embed/map?token=${body.token}`)).status).toBe(403);
    expect((await fetch(`${urlA}/fraud?token=${body.token}`, { redirect: 'manual' })).status).toBe(303);
    const bad = await issue(urlA, admin, { label: 'bad', role: 'embed', panels: ['kpis'], origins: ['javascript:alert(1)'], validForMs: 60_000 });
    expect(bad.status).toBe(400);
    // The token's socket gets KPIs and nothing else its role could see elsewhere.
    const embed = connect(urlA, { token: body.token });
    const denied: string[] = [];
    embed.on('access:denied', (d) => denied.push(d.what));
    await until('embed connects', () => embed.connected, 10_000);
    embed.emit('alerts:subscribe');
    embed.emit('drivers:subscribe');
    await until('both refused', () => denied.length === 2, 10_000);
    expect(denied.sort()).toEqual(['subscribe:alerts', 'subscribe:drivers']);
  });
});

describe('audit trail', () => {
  it('has sign-ins, refusals, token issue and revoke, alert actions and sensitive subscriptions on audit.events, with who and from where', async () => {
    const consumer = kafka.consumer({ groupId: `audit-check-${run}` });
    const events: AuditEvent[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.auditEvents.name], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void events.push(AuditEvent.parse(JSON.parse(message.value!.toString()))) });
    const mine = () => events.filter((e) => e.gatewayId.endsWith(run));
    const needed = ['sign-in', 'sign-in-refused', 'token-issue', 'token-revoke', 'alert-action', 'subscribe', 'access-denied', 'token-refused'] as const;
    await until('every kind of audit event', () => needed.every((n) => mine().some((e) => e.action === n)), 30_000, () => [...new Set(mine().map((e) => e.action))].join(','));
    await consumer.disconnect();
    expect(mine().find((e) => e.action === 'sign-in')).toMatchObject({ actor: 'admin', role: 'admin', outcome: 'ok', from: expect.stringMatching(/127\.0\.0\.1/) });
    expect(mine().filter((e) => e.action === 'subscribe').map((e) => e.target)).toEqual(expect.arrayContaining(['alerts', 'quarantine', 'audit']));
    expect(mine().find((e) => e.action === 'access-denied' && e.role === 'viewer')).toMatchObject({ outcome: 'denied' });
    // Admins see the same trail live.
    const { received } = await signedIn('admin');
    const socket = sockets.at(-1)!;
    socket.emit('audit:subscribe');
    await until('audit snapshot', () => received.has('audit:snapshot'), 10_000);
    expect((received.get('audit:snapshot')![0] as AuditEvent[]).some((e) => e.action === 'token-revoke')).toBe(true);
  });
});
