import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { GATEWAY_GROUP_PREFIX } from '../lib/kafka-access';
import { kafkajsSecurity, kafkaSecurityEnv } from '../lib/kafka-auth';
import { LAG_HISTORY_MINUTE_MS, type LagHistorySnapshot } from '../lib/lag/lag-history';
import type { GroupLag } from '../lib/lag/lag-report';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../lib/protocol';
import { topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { LagHistoryStore } from './lag-history-store';
import { startTestGateway, type TestGateway } from './testing/test-gateway';
import { until } from './testing/until';

/**
 * The lag trend's 24 hours survive a gateway's restart, against the real broker: minutes one
 * gateway's store wrote to lag.history (as the gateway principal, under its ACLs) are what a
 * store started afterwards holds, and what a gateway started afterwards sends a lag page.
 */
const kafkaAuth = inject('kafkaAuth');
const brokers = inject('brokers').split(',');
const run = Date.now().toString(36);
const MIN = LAG_HISTORY_MINUTE_MS;
const gateways: TestGateway[] = [];
const sockets: Socket[] = [];

const kafka = new Kafka({ clientId: `lag-history-it-${run}`, brokers, ...kafkajsSecurity(kafkaAuth.gateway), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
const group = (groupId: string, totalLag: number): GroupLag => ({ groupId, state: 'Stable', members: 1, status: 'OK', totalLag, maxTimeLagMs: totalLag * 100, partitions: [] });

let acknowledged = 0;
function store(name: string, clock: { now(): number }) {
  return new LagHistoryStore({
    kafka,
    groupId: `${GATEWAY_GROUP_PREFIX}lag-history-it-${run}-${name}`,
    log: pino({ level: 'silent' }),
    clock,
    write: async (key, value) => {
      await producer.send({ topic: topics.lagHistory.name, messages: [{ key, value }] });
      acknowledged++;
    },
  });
}

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all(gateways.map((g) => g.close()));
  await producer.disconnect();
});

describe('lag history on lag.history', () => {
  it("is what a store and a gateway started afterwards hold: the same minutes, each group's largest lag of each", async () => {
    await producer.connect();
    const groupId = `it-history-${run}`;
    // Ten minutes (two of the wire's five-minute steps) ending minutes ago, a report every 15 s:
    // each minute's largest lag is 4 × its index + 3.
    const start = Math.floor(Date.now() / (5 * MIN)) * 5 * MIN - 15 * MIN;
    const now = { t: start };
    const writer = store('writer', { now: () => now.t });
    const written: number[] = [];
    for (let m = 0; m < 10; m++) {
      for (let q = 0; q < 4; q++) {
        now.t = start + m * MIN + q * 15_000;
        writer.record({ at: now.t, groups: [group(groupId, 4 * m + q)] });
      }
      written.push(4 * m + 3);
    }
    now.t = start + 10 * MIN;
    writer.record({ at: now.t, groups: [] });
    expect(writer.size).toBe(10);
    await until('the ten minutes acknowledged', () => acknowledged === 10, 10_000);

    // "Restarted": a store of its own, reading the topic from the start.
    const reader = store('reader', Date);
    await reader.start();
    await reader.stream.whenReady();
    try {
      await until('the minutes replayed', () => reader.size >= 10, 30_000);
      const mine = reader.snapshot().groups.find((g) => g.groupId === groupId);
      // The wire's five-minute steps: the largest of each five minutes.
      expect(mine?.points.map((p) => p.lag)).toEqual([Math.max(...written.slice(0, 5)), Math.max(...written.slice(5, 10))]);
      expect(mine?.points.map((p) => p.timeLagMs)).toEqual([1900, 3900]);
    } finally {
      await reader.stop();
    }

    // A gateway started afterwards sends the minutes to a lag page, before the first report.
    const port = (await freePorts(1))[0]!;
    const gateway = await startTestGateway(
      { PORT: String(port), KAFKA_BROKERS: brokers.join(','), ...kafkaSecurityEnv(kafkaAuth.gateway), GATEWAY_ID: `lag-history-${run}`, LAG_POLL_MS: '1000', STREAMWATCH_ADMIN_PASSWORD: 'integration-admin-password' },
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>'),
    );
    gateways.push(gateway);
    const url = `http://127.0.0.1:${port}`;
    await until('the gateway ready', async () => (await fetch(`${url}/readyz`)).ok, 60_000);
    const res = await fetch(`${url}/auth/login`, { method: 'POST', body: new URLSearchParams({ name: 'admin', password: 'integration-admin-password', next: '/' }), redirect: 'manual' });
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('sw_session=') && c.length > 12);
    expect(cookie, `admin sign-in answered ${res.status}`).toBeDefined();
    const events: string[] = [];
    let history: LagHistorySnapshot | null = null;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: cookie! }, reconnection: false });
    sockets.push(socket);
    socket.on('lag:history', (h) => {
      events.push('lag:history');
      history = h;
    });
    socket.on('lag:report', () => events.push('lag:report'));
    socket.on('connect', () => socket.emit('lag:subscribe'));
    const ours = () => (history as LagHistorySnapshot | null)?.groups.find((g) => g.groupId === groupId);
    // On subscribe, or again once the gateway has read the topic to its end.
    await until('the gateway sending the minutes', () => ours()?.points.length === 2, 60_000);
    expect(events.slice(0, 2)).toEqual(['lag:history', 'lag:report']);
    expect(ours()!.points.map((p) => p.lag)).toEqual([19, 39]);
  });
});
