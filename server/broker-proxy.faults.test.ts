import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverTuple, GatewayStatus } from '../lib/protocol';
import type { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
// The harness borrows the stack's broker control and fault proxy; the gateway never imports pipeline/.
import { FaultProxy, type FaultMode } from '../pipeline/stack/fault-proxy';
import { freePorts } from '../pipeline/stack/free-ports';
import { startTestBroker } from '../pipeline/stack/test-broker';
import { sessionCookie } from './testing/credentials';
import { driverClient } from './testing/driver-client';
import { until } from './testing/until';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/**
 * The gateway reaches its broker through our fault proxy (the broker advertises the proxy's
 * port, so every connection goes through it). Paused, blackholed and reset in turn, the gateway
 * stays up, says it is degraded, and comes back with every driver at its newest position.
 */
let proxy: FaultProxy;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let gateway: TestGateway;
let client: ReturnType<typeof driverClient>;
let lastStatus: GatewayStatus | null = null;

const viaProxy = () => [`127.0.0.1:${proxy.port}`];
const fleet = (lon: number, ts: number): DriverPosition[] =>
  Array.from({ length: 200 }, (_, i) => ({ driverId: `px-${i}`, lat: 12.9 + i / 10_000, lon, status: 'idle', headingDeg: 0, speedKmh: 0, ts }));

async function produce(positions: DriverPosition[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'proxy-faults-test', brokers: viaProxy(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: topics.driversPositions.name, messages: positions.map((p) => ({ key: p.driverId, value: JSON.stringify(p) })) });
  await producer.disconnect();
}

beforeAll(async () => {
  const [brokerPort, proxyPort, gatewayPort] = await freePorts(3);
  proxy = new FaultProxy('127.0.0.1', brokerPort!);
  await proxy.listen(proxyPort);
  broker = await startTestBroker({ port: brokerPort, advertisedPort: proxy.port });
  await produce(fleet(77.5, Date.now()));
  gateway = await startTestGateway({ PORT: String(gatewayPort), KAFKA_BROKERS: viaProxy().join(','), GATEWAY_ID: 'proxy-faults', DELTA_INTERVAL_MS: '100' });
  client = driverClient(`http://127.0.0.1:${gatewayPort}`, await sessionCookie('ops'));
  client.socket.on('gateway:status', (s) => (lastStatus = s));
}, 240_000);

afterAll(async () => {
  client?.socket.disconnect();
  await gateway?.close();
  await proxy?.close();
  await broker?.stop();
});

describe('gateway behind a misbehaving network to its broker', () => {
  const atLon = (lon: number) => () => client.drivers.size === 200 && [...client.drivers.values()].every((t: DriverTuple) => t[1] === Math.fround(lon));

  it.each<[FaultMode, number]>([
    ['pause', 77.61],
    ['blackhole', 77.62],
    ['reset', 77.63],
  ])('%s: stays up, shows degraded, recovers with every driver at its newest position', async (mode, lon) => {
    await until('200 drivers on the socket', () => client.drivers.size === 200, 60_000);
    proxy.set(mode);
    const toDegraded = await until(`degraded under ${mode}`, () => lastStatus?.degraded === true, 60_000);
    // Served from memory meanwhile: the view and the socket still hold every driver.
    expect(gateway.view.size).toBe(200);
    expect(client.socket.connected).toBe(true);
    proxy.set('pass');
    const back = Date.now();
    await produce(fleet(lon, Date.now()));
    await until(`every driver at lon ${lon}`, atLon(lon), 120_000);
    const toRecovered = Date.now() - back;
    await until('not degraded', () => lastStatus?.degraded === false, 30_000);
    expect(gateway.view.size).toBe(200);
    expect(gateway.ingest.stats.invalid).toBe(0);
    console.log(`[faults] ${mode}: degraded shown ${toDegraded} ms after the fault began; every driver current ${toRecovered} ms after the network came back`);
  });
});
