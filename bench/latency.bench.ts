import { Partitioners } from 'kafkajs';
import { io } from 'socket.io-client';
import { bengaluru } from '../lib/city';
import { SOCKET_PATH, type AlertRecord, type ClientToServerEvents, type ServerToClientEvents } from '../lib/protocol';
import { topics } from '../lib/topics';
import { PaymentModel } from '../pipeline/simulator/payments';
import { driverClient } from '../server/testing/driver-client';
import { sessionCookie } from '../server/testing/credentials';
import type { Socket } from 'socket.io-client';
import { startBenchBroker } from './bench-broker';
import { startGatewayProcess } from './gateway-process';
import { writeResults } from './results';

/**
 * End to end, through the real Flink jobs and a gateway process, to a subscribed client: a raw
 * driver ping produced → its position in the client's view (target p99 <= 500 ms); the payment
 * that completes a fraud case produced → the alert at a triage client (exactly-once: visible
 * only after Flink's checkpoint commits the transaction; target p99 <= checkpoint interval +
 * 500 ms). The baseline of each, measured at the same time, is a kafkajs consumer reading Flink's
 * output topic directly (read_committed): the ratio is what the gateway and the socket add.
 */
const seconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 180);
const say = (line: string): void => console.error(line);
const quantile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

const stack = await startBenchBroker(say, true);
/** Records sent before this (Flink still starting, warm-up) are not timed. */
let measureFrom = Number.POSITIVE_INFINITY;
const timers: NodeJS.Timeout[] = [];
try {
  const gateway = await startGatewayProcess(stack.brokers, 0, stack.gatewayEnv);
  const producer = stack.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();

  // The baseline readers: Flink's output topics, straight from the broker.
  const direct = { drivers: [] as number[], alerts: [] as number[], detected: [] as number[] };
  const outputs = stack.kafka.consumer({ groupId: `bench-latency-${Date.now()}`, maxWaitTimeInMs: 20 });
  await outputs.connect();
  await outputs.subscribe({ topics: [topics.driversPositions.name, topics.fraudAlerts.name], fromBeginning: false });
  await outputs.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        const v = JSON.parse(m.value?.toString() ?? 'null') as { driverId?: string; lat?: number; paymentIds?: string[]; detectedAt?: number } | null;
        if (batch.topic === topics.driversPositions.name && v?.driverId) {
          const sent = sentLat.get(`${v.driverId}@${v.lat}`);
          if (sent !== undefined && sent >= measureFrom) direct.drivers.push(now - sent);
        } else if (v?.paymentIds) {
          if (v.detectedAt && v.detectedAt >= measureFrom) direct.detected.push(now - v.detectedAt);
          for (const id of v.paymentIds) {
            const sent = completedAt.get(id);
            if (sent !== undefined && sent >= measureFrom) direct.alerts.push(now - sent);
          }
        }
      }
    },
  });
  const sentLat = new Map<string, number>();
  const completedAt = new Map<string, number>();

  // Drivers: 200 probe drivers, one ping each every second, each with a position never sent before.
  const drivers = driverClient(gateway.url, await sessionCookie('viewer', 'bench'));
  const pending = new Map<string, { lat: number; sentAt: number }>();
  const driverLatency: number[] = [];
  drivers.socket.on('drivers:delta', () => {
    const now = Date.now();
    for (const [id, p] of pending) {
      if (Math.abs((drivers.drivers.get(id)?.[2] ?? NaN) - p.lat) < 1e-6) {
        if (p.sentAt >= measureFrom) driverLatency.push(now - p.sentAt);
        pending.delete(id);
      }
    }
  });
  let tick = 0;
  timers.push(setInterval(() => {
    tick++;
    const now = Date.now();
    const messages = Array.from({ length: 200 }, (_, i) => {
      const driverId = `lat-${i}`;
      const lat = 12.9 + ((tick * 200 + i) % 100_000) * 1e-6;
      pending.set(driverId, { lat, sentAt: now });
      sentLat.set(`${driverId}@${lat}`, now);
      return { key: driverId, value: JSON.stringify({ driverId, lat, lon: 77.6, status: 'idle', headingDeg: 0, speedKmh: 0, ts: now }) };
    });
    void producer.send({ topic: topics.driverLocationsRaw.name, messages });
  }, 1000));

  // Fraud: payments at 20/s with 20 cases a minute; each completed case's last payment is timed.
  const triage: Socket<ServerToClientEvents, ClientToServerEvents> = io(gateway.url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: await sessionCookie('fraud-analyst', 'bench') } });
  triage.on('connect', () => triage.emit('alerts:subscribe'));
  const completing = new Map<string, number>();
  const alertLatency: number[] = [];
  const fromDetection: number[] = [];
  const seenAlerts = new Set<string>();
  const onAlerts = (records: AlertRecord[]) => {
    const now = Date.now();
    for (const r of records) {
      if (!seenAlerts.has(r.alert.alertId)) {
        seenAlerts.add(r.alert.alertId);
        if (r.alert.detectedAt >= measureFrom) fromDetection.push(now - r.alert.detectedAt);
      }
      for (const id of r.alert.paymentIds) {
        const sentAt = completing.get(id);
        if (sentAt === undefined) continue;
        if (sentAt >= measureFrom) alertLatency.push(now - sentAt);
        completing.delete(id);
      }
    }
  };
  triage.on('alerts:snapshot', onAlerts);
  triage.on('alerts:update', onAlerts);
  const model = new PaymentModel({ city: bengaluru, seed: 11, paymentsPerSecond: 20, cards: 6_000, fraudCasesPerMinute: 20 });
  timers.push(setInterval(() => {
    const now = Date.now();
    const { payments, cases } = model.step(100, now);
    const last = new Set(cases.map((c) => c.paymentIds.at(-1)!));
    for (const p of payments) {
      if (!last.has(p.paymentId)) continue;
      completing.set(p.paymentId, now);
      completedAt.set(p.paymentId, now);
    }
    if (payments.length) void producer.send({ topic: topics.paymentsRaw.name, messages: payments.map((p) => ({ key: p.riderId, value: JSON.stringify(p) })) });
  }, 100));

  // Flink starts beside the gateway: time nothing until pings come through it, then warm up for 20 s.
  say('[bench] waiting for the Flink jobs to pass pings through...');
  while (drivers.drivers.size === 0) await new Promise((r) => setTimeout(r, 500));
  say(`[bench] measuring for ${seconds} s (the first 20 s are warm-up)...`);
  await new Promise((r) => setTimeout(r, 20_000));
  measureFrom = Date.now();
  await new Promise((r) => setTimeout(r, (seconds - 20) * 1000));
  timers.forEach(clearInterval);
  drivers.socket.disconnect();
  triage.disconnect();
  await producer.disconnect();
  await outputs.disconnect();
  await gateway.stop();

  const cp = stack.checkpointIntervalMs;
  say(`[bench] ${driverLatency.length} driver pings and ${alertLatency.length} fraud alerts timed (${fromDetection.length} from detection)`);
  const row = (name: string, client: number[], topic: number[], p: number, target: string) => {
    const [value, baseline] = [quantile(client, p), quantile(topic, p)];
    return { name, value, unit: 'ms', baseline, ratio: value / baseline, target };
  };
  writeResults('latency', `end-to-end latency, produced → at a subscribed client through Flink and a gateway process, vs Flink's output topic read directly (${seconds - 20} s measured: ${driverLatency.length} driver pings, ${alertLatency.length} fraud alerts; checkpoint every ${cp} ms)`, [
    row('driver position p50', driverLatency, direct.drivers, 0.5, 'report'),
    row('driver position p99', driverLatency, direct.drivers, 0.99, 'client p99 <= 500 ms'),
    row('fraud alert, completing payment → client p50', alertLatency, direct.alerts, 0.5, "report (includes the rule's event-time wait)"),
    row('fraud alert, completing payment → client p99', alertLatency, direct.alerts, 0.99, 'report'),
    row('fraud alert, Flink detection → client p99 (exactly-once)', fromDetection, direct.detected, 0.99, `client p99 <= ${cp + 500} ms`),
  ]);
} finally {
  timers.forEach(clearInterval);
  await stack.stop();
}
process.exit(0);
