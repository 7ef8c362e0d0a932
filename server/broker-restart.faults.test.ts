import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverStore } from '../components/live/driver-store';
import { createLiveSocket } from '../components/live/socket-connection';
import type { DriverTuple, GatewayStatus } from '../lib/protocol';
import type { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
// The test harness borrows the stack's broker control; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { ensureTopics, waitForCluster } from '../pipeline/stack/kafka-admin';
import { startBroker } from '../pipeline/stack/kafka-broker';
import { resolveClasspath } from '../pipeline/stack/maven';
import { Supervisor } from '../pipeline/stack/supervisor';
import { loadConfig } from './config';
import { startGateway } from './gateway';
import { sessionCookie, testAccessEnv } from './testing/credentials';
import { driverClient } from './testing/driver-client';
import { until } from './testing/until';

/** A broker of this test's own, stopped and restarted under a running gateway. */
const root = fileURLToPath(new URL('..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'streamwatch-faults-'));
const quiet = (): void => undefined;
let ports: number[];
let classpath: string[];
let broker: Supervisor;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let gatewayConfig: ReturnType<typeof loadConfig>;
let client: ReturnType<typeof driverClient>;
let cookie: string;
let seen: Map<string, DriverTuple>;
let lastStatus: GatewayStatus | null = null;

const brokers = () => [`127.0.0.1:${ports[0]}`];

async function bootBroker(): Promise<void> {
  broker = new Supervisor(quiet, quiet);
  await startBroker({ classpath, dataDir: home, host: '127.0.0.1', port: ports[0]!, controllerPort: ports[1]!, heap: '512m' }, broker);
  await waitForCluster(brokers(), 60_000, 'test broker');
}

async function produce(positions: DriverPosition[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'faults-test', brokers: brokers(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: topics.driversPositions.name, messages: positions.map((p) => ({ key: p.driverId, value: JSON.stringify(p) })) });
  await producer.disconnect();
}

const wallGrant = { label: 'faults wall', role: 'wall', panels: ['wall'], origins: [], validForMs: 3_600_000 };
const grants = async (path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${ports[2]}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${ports[2]}`, cookie: await sessionCookie('admin') },
  });

const fleet = (lon: number, ts: number): DriverPosition[] =>
  Array.from({ length: 50 }, (_, i) => ({ driverId: `f-${i}`, lat: 12.9 + i / 1000, lon, status: 'idle', headingDeg: 0, speedKmh: 0, ts }));

beforeAll(async () => {
  ports = await freePorts(3);
  classpath = await resolveClasspath({ label: 'Kafka', dir: join(root, 'pipeline/stack/kafka'), cacheDir: join(root, '.streamwatch/build/kafka') }, quiet);
  await bootBroker();
  await ensureTopics(brokers(), quiet);
  await produce(fleet(77.5, Date.now()));
  cookie = await sessionCookie('ops');
  gatewayConfig = loadConfig({ ...testAccessEnv(), PORT: String(ports[2]), KAFKA_BROKERS: brokers().join(','), GATEWAY_ID: 'faults', DELTA_INTERVAL_MS: '100' });
  gateway = await startGateway(gatewayConfig, pino({ level: 'silent' }), (_req, res) => void res.writeHead(404).end());
  client = driverClient(`http://127.0.0.1:${ports[2]}`, cookie);
  seen = client.drivers;
  client.socket.on('gateway:status', (s) => (lastStatus = s));
}, 180_000);

afterAll(async () => {
  client?.socket.disconnect();
  await gateway?.close();
  await broker?.stopAll();
  rmSync(home, { recursive: true, force: true });
});

describe('gateway under broker faults', () => {
  it('shows degraded while the broker is down, then resumes with state intact', async () => {
    await until('all 50 drivers on the socket', () => seen.size === 50);

    const issued = (await (await grants('/api/grants', wallGrant)).json()) as { grant: { grantId: string } };

    await broker.stopAll();
    const toDegraded = await until('degraded', () => lastStatus?.degraded === true, 30_000);
    expect(gateway.view.size).toBe(50);
    // An admin's token actions while Kafka is down: refused with the reason, the gateway stays up.
    const issue = await grants('/api/grants', wallGrant);
    expect([issue.status, ((await issue.json()) as { error: string }).error]).toEqual([503, expect.stringMatching(/could not be written to Kafka/)]);
    const revoke = await grants(`/api/grants/${issued.grant.grantId}/revoke`, {});
    expect(revoke.status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${ports[2]}/healthz`)).status).toBe(200);
    expect(gateway.access.grants.get(issued.grant.grantId)?.revokedAt).toBeNull();

    await bootBroker();
    const moved = fleet(77.7, Date.now());
    await produce(moved);
    const toRecovered = await until('every driver at its new position', () => [...seen.values()].every((t) => t[1] === Math.fround(77.7)), 90_000);
    await until('not degraded', () => lastStatus?.degraded === false, 15_000);
    expect(gateway.view.size).toBe(50);
    expect(seen.size).toBe(50);
    expect(gateway.ingest.stats.invalid).toBe(0);
    // Every other stream is current again too: a record written to each of its topics now arrives.
    const streams = Object.values(gateway.streams);
    const before = new Map(streams.map((st) => [st.name, st.stats.records]));
    const kafka = new Kafka({ clientId: 'faults-test', brokers: brokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // Every topic of every stream, so that a stream added to the gateway is covered without editing this list.
    const others = streams.filter((st) => st.name !== 'drivers');
    for (const topic of new Set(others.flatMap((st) => st.topics))) {
      await producer.send({ topic, messages: [{ key: 'after-restart', value: '{"written":"after the broker came back"}' }] });
    }
    await producer.disconnect();
    await until('every stream current', () => others.every((st) => st.stats.records > before.get(st.name)! && !st.degraded), 60_000);
    expect(lastStatus?.degradedStreams).toEqual([]);
    console.log(
      `[faults] degraded shown ${toDegraded} ms after the broker stopped; recovered ${toRecovered} ms after it restarted; ` +
        `consumer rebuilds: ${streams.map((st) => `${st.name} ${st.stats.rebuilds}`).join(', ')}`,
    );
  });

  it('brings every connected browser back to the same state after a gateway restart', async () => {
    // The browser's own store and socket, driven by requestAnimationFrame's stand-in.
    const clients = Array.from({ length: 20 }, () => {
      const socket = createLiveSocket(`http://127.0.0.1:${ports[2]}`, { extraHeaders: { cookie } });
      return { socket, store: new DriverStore(socket, (cb) => setImmediate(cb)) };
    });
    const inSync = () => clients.every((c) => c.store.getSnapshot().count === 50 && c.store.getSnapshot().connection === 'live');
    await until('20 clients with all drivers', inSync);
    const before = clients[0]!.store.getSnapshot();

    await gateway.close();
    await until('clients notice', () => clients.every((c) => c.store.getSnapshot().connection === 'reconnecting'), 10_000);
    const restarted = Date.now();
    gateway = await startGateway(gatewayConfig, pino({ level: 'silent' }), (_req, res) => void res.writeHead(404).end());
    await until('20 clients resynced', inSync, 15_000);
    const resyncMs = Date.now() - restarted;
    for (const c of clients) {
      const f = c.store.getSnapshot();
      expect([...f.ids].sort()).toEqual([...before.ids].sort());
      expect(f.positions.length).toBe(before.positions.length);
    }
    console.log(`[faults] 20 clients resynced ${resyncMs} ms after the gateway came back`);
    for (const c of clients) c.socket.disconnect();
  });
});
