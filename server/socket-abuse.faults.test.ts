import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SOCKET_PATH } from '../lib/protocol';
import { freePorts } from '../pipeline/stack/free-ports';
import { startTestBroker } from '../pipeline/stack/test-broker';
import { sessionCookie } from './testing/credentials';
import { driverClient } from './testing/driver-client';
import { until } from './testing/until';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/**
 * Hostile clients against a real gateway: 100,000 fuzzed socket messages (fast-check) from
 * signed-in sockets of every kind of role, and a storm of 500 connects of which half present
 * forged, expired or malformed credentials. The gateway never crashes, answers every request
 * that asks for an answer, refuses every bad credential with a reason, and a well-behaved
 * client keeps being served throughout. Frames too big or not decodable close their own
 * connection, with a reason, and are counted.
 */
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let gateway: TestGateway;
let url: string;

beforeAll(async () => {
  broker = await startTestBroker();
  const [port] = await freePorts(1);
  url = `http://127.0.0.1:${port}`;
  gateway = await startTestGateway({ PORT: String(port), KAFKA_BROKERS: broker.brokers.join(','), GATEWAY_ID: 'abuse', DELTA_INTERVAL_MS: '100', CONNECTS_PER_10S: '2000' });
  await until('ready', async () => (await fetch(`${url}/readyz`)).ok, 60_000);
}, 240_000);

afterAll(async () => {
  await gateway?.close();
  await broker?.stop();
});

const events = ['drivers:subscribe', 'drivers:unsubscribe', 'drivers:viewport', 'lag:subscribe', 'lag:unsubscribe', 'pipeline:subscribe', 'analytics:subscribe', 'surge:window', 'alerts:subscribe', 'alerts:action', 'audit:subscribe'];
const message = fc.record({
  event: fc.oneof(fc.constantFrom(...events), fc.string({ maxLength: 40 })),
  args: fc.array(fc.oneof(fc.anything({ maxDepth: 3 }), fc.record({ type: fc.constantFrom('acknowledge', 'assign', 'resolve', 'comment', 'nuke'), alertId: fc.string(), actionId: fc.uuid(), text: fc.string() }, { requiredKeys: [] })), { maxLength: 3 }),
  ack: fc.boolean(),
});

describe('hostile clients', () => {
  it('100,000 fuzzed socket messages: no crash, every request that wants an answer gets one, others still served', async () => {
    const watcher = driverClient(url, await sessionCookie('viewer', 'watcher'));
    await until('watcher connected', () => watcher.socket.connected, 10_000);
    const roles = ['admin', 'fraud-analyst', 'ops', 'viewer'] as const;
    const fuzzers: Socket[] = await Promise.all(roles.map(async (r) => io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: await sessionCookie(r, `fuzz-${r}`) }, reconnection: false })));
    await until('fuzzers connected', () => fuzzers.every((s) => s.connected), 10_000);
    const samples = fc.sample(message, { numRuns: 100_000, seed: 20261130 });
    let asked = 0;
    let answered = 0;
    let sent = 0;
    for (const m of samples) {
      const s = fuzzers[sent++ % fuzzers.length]!;
      if (!s.connected) continue;
      if (m.ack && (m.event === 'alerts:action' || m.event === 'surge:window')) {
        asked++;
        s.timeout(60_000).emit(m.event, ...(m.args as []), () => answered++);
      } else {
        s.emit(m.event, ...(m.args as []));
      }
      if (sent % 2000 === 0) await new Promise((r) => setImmediate(r));
    }
    await until('every request answered', () => answered === asked, 120_000, () => `${answered} of ${asked}`);
    // Still alive and still serving: health, the fuzzers' own sockets, and the quiet client.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const stillConnected = fuzzers.filter((s) => s.connected).length;
    expect(watcher.socket.connected).toBe(true);
    expect(await watcher.socket.timeout(5_000).emitWithAck('surge:window', 0)).toBeNull();
    console.log(`[faults] ${samples.length.toLocaleString('en-US')} fuzzed messages: ${asked} asked for an answer, ${answered} answered; ${stillConnected}/${fuzzers.length} fuzzing sockets still connected; gateway healthy`);
    for (const s of fuzzers) s.disconnect();
    watcher.socket.disconnect();
  });

  it('500 connects, half with bad credentials: every bad one refused with a reason and sent nothing, every good one served', async () => {
    const good = await Promise.all(Array.from({ length: 250 }, (_, i) => sessionCookie(i % 2 ? 'viewer' : 'ops', `storm-${i}`)));
    const expired = await sessionCookie('admin', 'old', -60_000);
    const bad: { cookie?: string; token?: unknown }[] = Array.from({ length: 250 }, (_, i) =>
      [
        { cookie: 'sw_session=not-a-jwt' },
        { cookie: expired },
        { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
        { token: { nested: true } },
        { token: 'x'.repeat(10_000) },
        { cookie: `sw_session=${good[i]!.split('=')[1]!.slice(0, -3)}abc` },
      ][i % 6]!,
    );
    const attempts: { cookie?: string; token?: unknown; good: boolean }[] = [...good.map((cookie) => ({ cookie, good: true })), ...bad.map((b) => ({ ...b, good: false }))];
    const results = await Promise.all(
      attempts.map(
        (a) =>
          new Promise<{ good: boolean; outcome: string; events: string[] }>((resolve) => {
            const s = io(url, { path: SOCKET_PATH, transports: ['websocket'], reconnection: false, extraHeaders: a.cookie ? { cookie: a.cookie } : {}, auth: a.token !== undefined ? { token: a.token } : {} });
            const events: string[] = [];
            s.onAny((e: string) => events.push(e));
            s.once('connect', () => s.emit('drivers:subscribe'));
            s.once('session:info', () => setTimeout(() => (resolve({ good: a.good, outcome: 'served', events }), s.disconnect()), 300));
            s.once('connect_error', (e) => setTimeout(() => (resolve({ good: a.good, outcome: e.message, events }), s.disconnect()), 300));
          }),
      ),
    );
    const served = results.filter((r) => r.outcome === 'served');
    const refused = results.filter((r) => r.outcome !== 'served');
    expect(served.every((r) => r.good)).toBe(true);
    expect(served).toHaveLength(250);
    expect(refused.every((r) => !r.good && r.outcome.startsWith('unauthorized: '))).toBe(true);
    expect(refused.flatMap((r) => r.events)).toEqual([]);
    const reasons = Object.entries(refused.reduce<Record<string, number>>((n, r) => ({ ...n, [r.outcome]: (n[r.outcome] ?? 0) + 1 }), {}));
    console.log(`[faults] 500 connects: ${served.length} served, ${refused.length} refused (${reasons.map(([why, n]) => `${n}× "${why}"`).join(', ')})`);
    await until('every socket gone', async () => /streamwatch_socket_clients 0$/m.test(await (await fetch(`${url}/metrics`)).text()), 10_000);
  });

  it('oversized and undecodable frames: their connection closed with a reason and counted, nobody else disturbed', async () => {
    const watcher = driverClient(url, await sessionCookie('viewer', 'frames-watcher'));
    await until('watcher connected', () => watcher.socket.connected, 10_000);
    const refused = async (reason: string): Promise<number> =>
      Number(new RegExp(`^streamwatch_socket_frames_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
    const before = { oversized: await refused('oversized'), malformed: await refused('malformed') };
    /** Speaks Engine.IO/Socket.IO by hand, so it can send what no Socket.IO client would. */
    const rawClient = async (frame: string) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}${SOCKET_PATH}/?EIO=4&transport=websocket`, { headers: { cookie: await sessionCookie('ops', 'raw-frames') } });
      const received: string[] = [];
      ws.on('message', (data) => {
        const text = data.toString();
        received.push(text);
        if (text.startsWith('0')) ws.send('40');
        if (text.startsWith('40')) ws.send(frame);
        if (text === '2') ws.send('3');
      });
      const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
      return { code, connected: received.some((m) => m.startsWith('40')) };
    };
    const big = await rawClient(`42${JSON.stringify(['drivers:viewport', 'x'.repeat(64 * 1024)])}`);
    const broken = await rawClient('42["drivers:viewport", {');
    await until('both counted', async () => (await refused('oversized')) > before.oversized && (await refused('malformed')) > before.malformed, 10_000);
    const after = { oversized: await refused('oversized'), malformed: await refused('malformed') };
    console.log(`[faults] 64 KiB frame: connection closed with code ${big.code}; undecodable frame: closed with code ${broken.code}; refused frames counted ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    expect([big.connected, broken.connected]).toEqual([true, true]);
    // 1009: "message too big" (RFC 6455), sent by the WebSocket layer before any handler runs.
    expect(big.code).toBe(1009);
    expect(after).toEqual({ oversized: before.oversized + 1, malformed: before.malformed + 1 });
    expect(watcher.socket.connected).toBe(true);
    expect(await watcher.socket.timeout(5_000).emitWithAck('surge:window', 0)).toBeNull();
    watcher.socket.disconnect();
  });
});
