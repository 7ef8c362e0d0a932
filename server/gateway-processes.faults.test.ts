import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DriverStore } from '../components/live/driver-store';
import { createLiveSocket } from '../components/live/socket-connection';
import type { DriverPosition } from '../lib/schemas/driver-location';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { sessionCookie } from './testing/credentials';
import { spawnGateway as spawnGatewayProcess, type GatewayProcess } from './testing/gateway-process';
import { operatorClient } from './testing/operator-client';
import { until } from './testing/until';

/**
 * Scale-out and crash as they happen in production: gateways as separate OS processes
 * (`server/index.ts`, socket and ops endpoints only) on one broker. An action taken on one is
 * seen on the other; one killed with SIGKILL under 50 connected browsers' stores comes back
 * on its port and every store resyncs to the state it had.
 */
const run = Date.now().toString(36);
const brokers = inject('brokers');
const kafka = new Kafka({ clientId: 'processes-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const children = new Set<ChildProcess>();
const sockets: { disconnect(): unknown }[] = [];

async function spawnGateway(name: string, port: number): Promise<GatewayProcess> {
  const g = await spawnGatewayProcess(name, port, { KAFKA_BROKERS: brokers, GATEWAY_ID: `${name}-${run}`, DELTA_INTERVAL_MS: '50' });
  children.add(g.child);
  g.child.once('exit', () => children.delete(g.child));
  return g;
}

async function kill(g: GatewayProcess): Promise<void> {
  const exited = new Promise((r) => g.child.once('exit', r));
  g.child.kill('SIGKILL');
  await exited;
}

async function operator(url: string, name: string) {
  const client = operatorClient(url, await sessionCookie('fraud-analyst', name));
  sockets.push(client.socket);
  return client;
}

let a: GatewayProcess;
let b: GatewayProcess;
let portA: number;

beforeAll(async () => {
  await producer.connect();
  const fleet: DriverPosition[] = Array.from({ length: 300 }, (_, i) => ({
    driverId: `proc-${run}-${i}`, lat: 12.9 + i / 5000, lon: 77.5 + i / 5000, status: 'idle', headingDeg: 0, speedKmh: 0, ts: Date.now(),
  }));
  await producer.send({ topic: topics.driversPositions.name, messages: fleet.map((p) => ({ key: p.driverId, value: JSON.stringify(p) })) });
  const [pa, pb] = await freePorts(2);
  portA = pa!;
  [a, b] = await Promise.all([spawnGateway('proc-a', pa!), spawnGateway('proc-b', pb!)]);
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await producer.disconnect();
  await Promise.all([...children].map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
});

describe('gateways as separate processes', () => {
  it('shows an action taken on one gateway process on the other', async () => {
    const alert: FraudAlert = {
      alertId: `proc-${run}`, rule: 'card-testing', score: 0.9, cardToken: 'tok_0a1b2c3d4e', bin: '555555', last4: '4444',
      paymentIds: ['p-1', 'p-2'], lat: 12.97, lon: 77.6, eventTime: Date.now() - 2000, detectedAt: Date.now() - 1500,
    };
    await producer.send({ topic: topics.fraudAlerts.name, messages: [{ key: alert.alertId, value: JSON.stringify(alert) }] });
    const asha = await operator(a.url, 'asha');
    const ravi = await operator(b.url, 'ravi');
    await until('both processes show the new alert', () => asha.alerts.get(alert.alertId)?.triage.status === 'new' && ravi.alerts.has(alert.alertId));

    const sent = Date.now();
    expect(await asha.act({ type: 'assign', actionId: randomUUID(), alertId: alert.alertId, assignee: 'ravi' })).toEqual({ ok: true });
    await until('process B shows it assigned', () => ravi.alerts.get(alert.alertId)?.triage.status === 'assigned');
    console.log(`[processes] assign on gateway process A visible to a client of process B ${Date.now() - sent} ms after it was sent`);
    expect(ravi.alerts.get(alert.alertId)!.triage.assignee).toBe('ravi');
  });

  it('resyncs 50 connected stores to the same state after the gateway process is killed and restarted', async () => {
    const cookie = await sessionCookie('ops');
    const clients = Array.from({ length: 50 }, () => {
      const socket = createLiveSocket(a.url, { extraHeaders: { cookie } });
      sockets.push(socket);
      return new DriverStore(socket, (cb) => setImmediate(cb));
    });
    const ours = (ids: readonly string[]) => ids.filter((id) => id.startsWith(`proc-${run}-`)).sort();
    const inSync = () => clients.every((c) => c.getSnapshot().connection === 'live' && ours(c.getSnapshot().ids).length === 300);
    await until('50 stores with the fleet', inSync);
    const before = clients.map((c) => c.getSnapshot().ids.length);

    await kill(a);
    await until('stores notice', () => clients.every((c) => c.getSnapshot().connection === 'reconnecting'), 10_000);
    const restarted = Date.now();
    a = await spawnGateway('proc-a', portA);
    const ready = Date.now() - restarted;
    await until('50 stores resynced', inSync, 30_000);
    const resync = Date.now() - restarted;
    clients.forEach((c, i) => {
      expect(ours(c.getSnapshot().ids)).toHaveLength(300);
      expect(c.getSnapshot().ids.length).toBe(before[i]);
    });
    console.log(`[processes] gateway killed (SIGKILL) and restarted: ready ${ready} ms after spawn (Kafka replay included), 50 stores resynced ${resync} ms after spawn`);
  });
});
