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
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/** A client that stops reading must not make the gateway's memory grow, nor slow the others. */
const run = Date.now().toString(36);
const kafka = new Kafka({ clientId: 'slow-client-test', brokers: inject('brokers').split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
let gateway: TestGateway;
let cookie: string;
let base: string;
let churn: NodeJS.Timeout | undefined;

const position = (i: number, ts: number): DriverPosition => ({
  driverId: `slow-${run}-${i}`,
  lat: 12.9 + (i % 100) / 1000,
  lon: 77.5 + Math.random() / 10,
  status: 'on_trip',
  headingDeg: 90,
  speedKmh: 30,
  ts,
});

async function produce(from: number, count: number): Promise<void> {
  const ts = Date.now();
  const messages = Array.from({ length: count }, (_, k) => {
    const p = position(from + k, ts);
    return { key: p.driverId, value: JSON.stringify(p) };
  });
  await producer.send({ topic: topics.driversPositions.name, messages });
}

const metric = (name: string): Promise<number> => scrapeMetric(base, name);

beforeAll(async () => {
  await producer.connect();
  const port = (await freePorts(1))[0]!;
  base = `http://127.0.0.1:${port}`;
  cookie = await sessionCookie('ops');
  gateway = await startTestGateway({
    PORT: String(port),
    KAFKA_BROKERS: inject('brokers'),
    GATEWAY_ID: `slow-${run}`,
    DELTA_INTERVAL_MS: '50',
    SLOW_CLIENT_MAX_PENDING: '10',
    SLOW_CLIENT_TIMEOUT_MS: '3000',
  });
  for (let i = 0; i < 20_000; i += 5_000) await produce(i, 5_000);
  await until('20,000 drivers in the view', () => gateway.view.size >= 20_000);
});

afterAll(async () => {
  clearInterval(churn);
  await gateway?.close();
  await producer.disconnect();
});

describe('a client that stops reading', () => {
  it('is left out of deltas, then disconnected, while memory stays bounded and others are served', async () => {
    const healthy = driverClient(base, cookie);
    await until('the healthy client has every driver', () => healthy.drivers.size >= 20_000);

    // Speaks the Socket.IO protocol by hand, asks for 50 snapshots (20k drivers each) and
    // then stops reading from its TCP socket.
    const slow = new WebSocket(`${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { cookie } });
    await new Promise<void>((resolve) => {
      slow.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('0{')) slow.send('40');
        if (text.startsWith('40{')) {
          for (let i = 0; i < 50; i++) slow.send('42["drivers:subscribe"]');
          (slow as unknown as { _socket: TcpSocket })._socket.pause();
          resolve();
        }
      });
    });

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let next = 0;
    churn = setInterval(() => {
      void produce(next, 2_000);
      next = (next + 2_000) % 20_000;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 100);

    await until('the slow client is disconnected', async () => (await metric('streamwatch_slow_clients_disconnected_total')) >= 1, 60_000);
    clearInterval(churn);
    expect(await metric('streamwatch_driver_deltas_dropped_total')).toBeGreaterThan(0);
    const seqs = healthy.seqs;
    expect(seqs.length).toBeGreaterThan(20);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    console.log(
      `[slow-client] rss ${Math.round(rssBefore / 2 ** 20)} MiB before, ${Math.round(rssPeak / 2 ** 20)} MiB at peak; ` +
        `${await metric('streamwatch_driver_deltas_dropped_total')} deltas dropped; healthy client got ${seqs.length} deltas in sequence`,
    );
    healthy.socket.disconnect();
    slow.terminate();
  });
});
