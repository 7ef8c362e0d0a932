import type { Socket as TcpSocket } from 'node:net';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { sessionCookie } from './testing/credentials';
import { driverClient } from './testing/driver-client';
import { scrapeMetric } from './testing/scrape-metric';
import { until } from './testing/until';
import { spawnGateway, type GatewayProcess } from './testing/gateway-process';

/**
 * The default city (3,000 drivers, each moving once a second, ~57 KB/s to a whole-city screen)
 * and a screen that stops reading at the TCP level. The kernel takes what the gateway writes
 * (the screen's receive buffer, then the gateway's send queue, megabytes in all) so engine.io's
 * packet count stays low for a minute; the unsent bytes show it within seconds.
 */
const DRIVERS = 3000;
const CUT_AFTER_MS = 10_000;
const run = Date.now().toString(36);
const kafka = new Kafka({ clientId: 'slow-client-bytes-test', brokers: inject('brokers').split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
let gateway: GatewayProcess;
let base: string;
let cookie: string;
let mover: NodeJS.Timeout | undefined;

/** A tenth of the fleet every 100 ms: each driver once a second. */
function moveFleet(): void {
  let next = 0;
  mover = setInterval(() => {
    const ts = Date.now();
    const messages = Array.from({ length: DRIVERS / 10 }, (_, k) => {
      const i = next + k;
      const p: DriverPosition = { driverId: `bytes-${run}-${i}`, lat: 12.9 + (i % 100) / 1000, lon: 77.5 + Math.random() / 10, status: 'on_trip', headingDeg: 90, speedKmh: 30, ts };
      return { key: p.driverId, value: JSON.stringify(p) };
    });
    next = (next + DRIVERS / 10) % DRIVERS;
    producer.send({ topic: topics.driversPositions.name, messages }).catch(() => undefined);
  }, 100);
}

const metric = (name: string): Promise<number> => scrapeMetric(base, name);

const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? NaN;

beforeAll(async () => {
  await producer.connect();
  const port = (await freePorts(1))[0]!;
  base = `http://127.0.0.1:${port}`;
  cookie = await sessionCookie('ops');
  // Default slow-client settings but the cut, shortened to keep the test short; a short TTL
  // takes other tests' drivers on the shared topic off the map.
  // Its own process, so that its memory is its own.
  gateway = await spawnGateway('slow-bytes', port, { KAFKA_BROKERS: inject('brokers'), GATEWAY_ID: `bytes-${run}`, DRIVER_TTL_MS: '10000', SLOW_CLIENT_TIMEOUT_MS: String(CUT_AFTER_MS) });
  moveFleet();
}, 120_000);

afterAll(async () => {
  clearInterval(mover);
  gateway?.child.kill('SIGTERM');
  await producer.disconnect();
});

describe('a whole-city screen that stops reading at the TCP level', () => {
  it('gets no deltas within 5 s, is cut at the limit, and neither memory nor a healthy screen suffers', async () => {
    const healthy = driverClient(base, cookie);
    const latencies: { at: number; ms: number }[] = [];
    healthy.socket.on('drivers:delta', (d) => latencies.push({ at: Date.now(), ms: Date.now() - d.sentAt }));
    // Other tests' drivers on the shared topic leave by the short TTL.
    await until('the healthy screen has the city alone', () => healthy.drivers.size === DRIVERS, 60_000);
    await new Promise((r) => setTimeout(r, 10_000));
    const [droppedBefore, cutBefore] = [await metric('streamwatch_driver_deltas_dropped_total'), await metric('streamwatch_slow_clients_disconnected_total')];

    // Speaks the Socket.IO protocol by hand, subscribes once and then never reads again.
    const slow = new WebSocket(`${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { cookie } });
    let pausedAt = 0;
    await new Promise<void>((resolve) => {
      slow.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('0{')) slow.send('40');
        if (text.startsWith('40{')) {
          slow.send('42["drivers:subscribe"]');
          (slow as unknown as { _socket: TcpSocket })._socket.pause();
          pausedAt = Date.now();
          resolve();
        }
      });
    });

    const rssBefore = gateway.rss();
    let rssPeak = rssBefore;
    let droppedAt = 0;
    await until(
      'the slow screen cut',
      async () => {
        rssPeak = Math.max(rssPeak, gateway.rss());
        if (!droppedAt && (await metric('streamwatch_driver_deltas_dropped_total')) > droppedBefore) droppedAt = Date.now();
        return (await metric('streamwatch_slow_clients_disconnected_total')) > cutBefore;
      },
      60_000,
    );
    const cutAt = Date.now();
    const before = latencies.filter((l) => l.at < pausedAt).map((l) => l.ms);
    const during = latencies.filter((l) => l.at >= pausedAt && l.at <= cutAt).map((l) => l.ms);
    console.log(
      `[slow-client] ${DRIVERS} drivers: deltas dropped ${droppedAt - pausedAt} ms after the screen stopped reading, cut ${cutAt - droppedAt} ms after that ` +
        `(limit ${CUT_AFTER_MS} ms); gateway RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB, +${((rssPeak - rssBefore) / 2 ** 20).toFixed(1)} MiB at peak; ` +
        `healthy screen's delta latency p99 ${p99(before)} ms before, ${p99(during)} ms while the slow one was held (${before.length} and ${during.length} deltas)`,
    );
    expect(droppedAt).toBeGreaterThan(0);
    expect(droppedAt - pausedAt).toBeLessThanOrEqual(5000);
    // Cut once behind for longer than the limit, at the next delivery round.
    expect(cutAt - droppedAt).toBeGreaterThanOrEqual(CUT_AFTER_MS - 1000);
    expect(cutAt - droppedAt).toBeLessThanOrEqual(CUT_AFTER_MS + 2000);
    expect(rssPeak - rssBefore).toBeLessThan(50 * 2 ** 20);
    // The healthy screen missed nothing.
    for (let i = 1; i < healthy.seqs.length; i++) expect(healthy.seqs[i]).toBe(healthy.seqs[i - 1]! + 1);
    expect(during.length).toBeGreaterThan(20);
    healthy.socket.disconnect();
    slow.terminate();
  });
});
