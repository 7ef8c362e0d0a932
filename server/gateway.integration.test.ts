import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkajsSecurity, kafkaSecurityEnv } from '../lib/kafka-auth';
import type { LagReport } from '../lib/lag/lag-report';
import { flinkJobs } from '../lib/pipeline-jobs';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../lib/protocol';
import type { DriverLocation } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
import { sessionCookie } from './testing/credentials';
import { driverClient } from './testing/driver-client';
import { freePorts } from '../pipeline/stack/free-ports';
import { until } from './testing/until';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/** The gateway against the real broker and Flink job of the integration setup. */
const brokers = inject('brokers');
const run = Date.now().toString(36);
const kafka = new Kafka({ clientId: 'gateway-test', brokers: brokers.split(','), ...kafkajsSecurity(kafkaAuth.admin), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
let gateway: TestGateway;
let adminCookie: string;
let base: string;
const sockets: Socket[] = [];

function location(n: number, lon: number, ts = Date.now()): DriverLocation {
  return { driverId: `gw-${run}-${n}`, lat: 12.95, lon, status: 'on_trip', headingDeg: 90, speedKmh: 30, ts };
}

async function sendRaw(loc: DriverLocation): Promise<void> {
  await producer.send({ topic: topics.driverLocationsRaw.name, messages: [{ key: loc.driverId, value: JSON.stringify(loc), timestamp: String(loc.ts) }] });
}

/** A subscribed client and the driver state it has seen, kept as the protocol says. */
function client(viewport: Parameters<typeof driverClient>[2] = null) {
  const c = driverClient(base, adminCookie, viewport);
  sockets.push(c.socket);
  return c;
}

const readyz = async () => (await fetch(`${base}/readyz`)).json() as Promise<{ ready: boolean; ingest: { invalid: number } }>;

beforeAll(async () => {
  await producer.connect();
  const [port] = await freePorts(1);
  base = `http://127.0.0.1:${port}`;
  adminCookie = await sessionCookie('admin');
  gateway = await startTestGateway({ PORT: String(port), KAFKA_BROKERS: brokers, ...kafkaSecurityEnv(kafkaAuth.gateway), GATEWAY_ID: `test-${run}`, DELTA_INTERVAL_MS: '100', LAG_POLL_MS: '500', LAG_WINDOW: '30' });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await gateway?.close();
  await producer.disconnect();
});

describe('gateway', () => {
  it('answers health and becomes ready once it has replayed drivers.positions', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await until('readyz', async () => (await readyz()).ready);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('sends a snapshot, then deltas in sequence, with positions that came through Flink', async () => {
    for (let n = 0; n < 5; n++) await sendRaw(location(n, 77.5 + n / 100));
    const c = client();
    await until('five drivers on the socket', () => [0, 1, 2, 3, 4].every((n) => c.drivers.has(`gw-${run}-${n}`)));
    // Positions travel as 32-bit floats (about half a metre).
    expect(c.drivers.get(`gw-${run}-3`)).toEqual([`gw-${run}-3`, Math.fround(77.53), Math.fround(12.95), 2, 90, expect.any(Number)]);

    await sendRaw(location(3, 77.777));
    await until('the moved driver', () => c.drivers.get(`gw-${run}-3`)?.[1] === Math.fround(77.777));
    for (let i = 1; i < c.seqs.length; i++) expect(c.seqs[i], `sequence ${c.seqs.join(',')}`).toBe(c.seqs[i - 1]! + 1);
  });

  it('gives a late subscriber the same state as an early one', async () => {
    const early = client();
    await sendRaw(location(7, 77.61));
    await until('driver 7 on the early client', () => early.drivers.has(`gw-${run}-7`));
    const late = client();
    await until('driver 7 on the late client', () => late.drivers.has(`gw-${run}-7`));
    expect(late.drivers.get(`gw-${run}-7`)).toEqual(early.drivers.get(`gw-${run}-7`));
  });

  it('counts and skips malformed processed records without stopping', async () => {
    const before = (await readyz()).ingest.invalid;
    await producer.send({
      topic: topics.driversPositions.name,
      messages: [
        { key: `gw-${run}-garbage`, value: '{oops' },
        { key: `gw-${run}-violation`, value: JSON.stringify({ driverId: 'x', lat: 500 }) },
      ],
    });
    await until('two invalid records counted', async () => (await readyz()).ingest.invalid === before + 2);
    const c = client();
    await sendRaw(location(9, 77.62));
    await until('a valid driver after the bad records', () => c.drivers.has(`gw-${run}-9`));
    expect(c.drivers.has(`gw-${run}-garbage`)).toBe(false);
  });

  it('streams consumer lag, including the Flink job reading the raw topic', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: adminCookie } });
    sockets.push(socket);
    const reports: LagReport[] = [];
    socket.on('lag:report', (r) => reports.push(r));
    socket.on('connect', () => socket.emit('lag:subscribe'));
    // Flink commits offsets with its checkpoints and trails the log end for some seconds after
    // traffic stops; the 15 s window (30 polls) spans that, as the 60 s default does.
    const flinkGroup = flinkJobs.driversPositions.consumerGroup;
    await until('a lag report with the Flink group', () => reports.length >= 2 && reports.at(-1)!.groups.some((g) => g.groupId === flinkGroup));
    const g = reports.at(-1)!.groups.find((x) => x.groupId === flinkGroup)!;
    // Flink commits offsets only for partitions it has read records from.
    expect(new Set(g.partitions.map((p) => p.topic))).toEqual(new Set([topics.driverLocationsRaw.name]));
    expect(g.partitions.length).toBeGreaterThan(0);
    expect(g.partitions.length).toBeLessThanOrEqual(topics.driverLocationsRaw.partitions);
    expect(['OK', 'WARN'], JSON.stringify(g.partitions.map((p) => [p.partition, p.committed, p.end, p.status]))).toContain(g.status);
    expect(reports.at(-1)!.at).toBeGreaterThan(reports[0]!.at);
  });

  it('serves Prometheus metrics for ingest, sockets, event-loop lag and consumer lag', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const body = await res.text();
    const applied = /streamwatch_ingest_records_total\{topic="drivers\.positions",outcome="applied"\} (\d+)/.exec(body);
    expect(Number(applied?.[1])).toBeGreaterThan(0);
    expect(body).toMatch(/streamwatch_ingest_records_total\{topic="drivers\.positions",outcome="invalid"\} [1-9]/);
    expect(body).toMatch(/^streamwatch_socket_clients [1-9]/m);
    expect(body).toMatch(/^streamwatch_nodejs_eventloop_lag_p99_seconds /m);
    expect(body).toContain(`streamwatch_consumer_group_status{group="${flinkJobs.driversPositions.consumerGroup}"}`);
  });

  it('sends a zoomed-in client only the drivers in its viewport, with removals as they leave', async () => {
    const east = { west: 77.7, south: 12.8, east: 77.8, north: 13.2 };
    const zoomed = client(east);
    const whole = client();
    await sendRaw(location(20, 77.75));
    await sendRaw(location(21, 77.55));
    await until('both on the whole-city client', () => whole.drivers.has(`gw-${run}-20`) && whole.drivers.has(`gw-${run}-21`));
    await until('driver 20 in the viewport', () => zoomed.drivers.has(`gw-${run}-20`));
    expect(zoomed.drivers.has(`gw-${run}-21`)).toBe(false);
    expect([...zoomed.drivers.values()].every(([, lon, lat]) => lon >= east.west && lon <= east.east && lat >= east.south && lat <= east.north)).toBe(true);

    await sendRaw(location(20, 77.6));
    await until('driver 20 removed after leaving the viewport', () => !zoomed.drivers.has(`gw-${run}-20`));
    await sendRaw(location(21, 77.76));
    await until('driver 21 added after entering the viewport', () => zoomed.drivers.has(`gw-${run}-21`));
    for (const c of [zoomed, whole]) {
      for (let i = 1; i < c.seqs.length; i++) expect(c.seqs[i], `sequence ${c.seqs.join(',')}`).toBe(c.seqs[i - 1]! + 1);
    }
    expect(whole.drivers.get(`gw-${run}-20`)?.[1]).toBe(Math.fround(77.6));
  });

  it('ignores an invalid viewport and keeps serving the client', async () => {
    const c = client();
    await until('a snapshot', () => c.drivers.size > 0);
    c.socket.emit('drivers:viewport', { west: 78, south: 13, east: 77, north: 12 });
    await sendRaw(location(22, 77.57));
    await until('deltas still flowing', () => c.drivers.has(`gw-${run}-22`));
  });
  it('serves the newest committed surge window and the KPI minutes, skipping a record that does not parse', async () => {
    // Window ends far ahead of anything the stack's own surge job writes, so these are the newest.
    const end = Date.UTC(2100, 0, 1) + (Date.now() % 1_000_000) * 60_000;
    const surge = (cell: string, windowEnd: number, demand: number) => ({ cell, windowStart: windowEnd - 60_000, windowEnd, demand, supply: 2, multiplier: demand > 2 ? 2 : 1 });
    await producer.send({
      topic: topics.surgeCells.name,
      messages: [
        { key: '8861892c9bfffff', value: JSON.stringify(surge('8861892c9bfffff', end - 10_000, 1)) },
        { key: 'not-a-cell', value: '{"cell":' },
        { key: '8861892c9bfffff', value: JSON.stringify(surge('8861892c9bfffff', end, 6)) },
        { key: '8860145b4bfffff', value: JSON.stringify(surge('8860145b4bfffff', end, 4)) },
      ],
    });
    const minute = { windowStart: end, windowEnd: end + 60_000, requests: 12, activeDrivers: 30, driversOnTrip: 9, payments: 4, paymentVolume: 1234.5, alerts: 1 };
    await producer.send({ topic: topics.opsKpis.name, messages: [{ value: JSON.stringify(minute) }] });
    const market = { windowStart: end, windowEnd: end + 60_000, assigned: 80, unfulfilled: 5, fulfilment: 80 / 85, pickupEtaP50Ms: 281_000, pickupEtaP90Ms: null, tripsStarted: 71, tripsCompleted: 66 };
    // A minute that is not a MarketplaceKpis (a fulfilment over 1) is counted invalid and not shown.
    await producer.send({ topic: topics.marketplaceKpis.name, messages: [{ value: JSON.stringify({ ...market, windowStart: end - 60_000, fulfilment: 1.5 }) }, { value: JSON.stringify(market) }] });

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: adminCookie } });
    sockets.push(socket);
    let state: Parameters<ServerToClientEvents['analytics:state']>[0] | null = null;
    socket.on('analytics:state', (s) => (state = s));
    socket.emit('analytics:subscribe');
    await until('the test window on analytics:state', () => state?.surge.windowEnd === end && state.kpis.some((k) => k.windowStart === end) && state.marketplace.some((k) => k.windowStart === end), 30_000);
    const shown = state!;
    expect(shown.surge.cells.map((c) => [c.cell, c.demand]).sort()).toEqual([['8860145b4bfffff', 4], ['8861892c9bfffff', 6]]);
    expect(shown.kpis.find((k) => k.windowStart === end)).toEqual(minute);
    expect(shown.marketplace.find((k) => k.windowStart === end)).toEqual(market);
    expect(shown.marketplace.some((k) => k.windowStart === end - 60_000)).toBe(false);
    const health = (await (await fetch(`${base}/readyz`)).json()) as { analyticsIngest: { invalid: number } };
    expect(health.analyticsIngest.invalid).toBeGreaterThanOrEqual(2);

    // The time scrubber: an earlier window whole, and nothing for what is not a window end.
    expect(shown.surge.windowEnds).toContain(end - 10_000);
    const earlier = await socket.emitWithAck('surge:window', end - 10_000);
    expect(earlier!.map((c) => [c.cell, c.demand])).toEqual([['8861892c9bfffff', 1]]);
    expect(await socket.emitWithAck('surge:window', 'soon' as unknown as number)).toBeNull();
  });

  it('shows dead letters from the Flink jobs with reasons and sources, card numbers never sent', async () => {
    const [bad] = await producer.send({ topic: topics.driverLocationsRaw.name, messages: [{ key: `gw-${run}-bad`, value: `{"driverId":"gw-${run}-bad","lat":` }] });
    const payment = { paymentId: `gw-${run}-pay`, cardNumber: '4111111111111111', cardCountry: 'IN', merchant: 'm', kind: 'trip', amount: 'lots', currency: 'INR', deviceId: 'd', ipLat: 12.9, ipLon: 77.6, riderId: 'r', ts: Date.now() };
    const [badPayment] = await producer.send({ topic: topics.paymentsRaw.name, messages: [{ key: 'r', value: JSON.stringify(payment) }] });
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: adminCookie } });
    sockets.push(socket);
    const frames: string[] = [];
    let data: Parameters<ServerToClientEvents['pipeline:data']>[0] | null = null;
    socket.on('pipeline:data', (d) => {
      data = d;
      frames.push(JSON.stringify(d));
    });
    socket.emit('pipeline:subscribe');
    const source = (t: string, r: { partition: number; baseOffset?: string }) => `${t}[${r.partition}]@${r.baseOffset}`;
    const sample = (topic: string, src: string) => data?.quarantine.find((q) => q.topic === topic)?.samples.find((x) => x.source === src);
    await until('both dead letters on pipeline:data', () => !!sample(topics.driverLocationsDlq.name, source(topics.driverLocationsRaw.name, bad!)) && !!sample(topics.paymentsDlq.name, source(topics.paymentsRaw.name, badPayment!)), 60_000);
    const location = sample(topics.driverLocationsDlq.name, source(topics.driverLocationsRaw.name, bad!))!;
    expect(location).toMatchObject({ job: 'drivers-positions', payload: `{"driverId":"gw-${run}-bad","lat":` });
    expect(location.reason.length).toBeGreaterThan(0);
    const pay = sample(topics.paymentsDlq.name, source(topics.paymentsRaw.name, badPayment!))!;
    expect(pay).toMatchObject({ job: 'fraud', payload: null });
    expect(data!.quarantine.find((q) => q.topic === topics.paymentsDlq.name)!.count).toBeGreaterThanOrEqual(1);
    expect(data!.topics.find((t) => t.topic === topics.driverLocationsRaw.name)!.end).toBeGreaterThan(0);
    expect(frames.join('\n')).not.toContain('4111111111111111');
  });
});
