import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { SOCKET_PATH, type DriverDelta } from '../lib/protocol';
import { sessionCookie } from '../server/testing/credentials';
import { startBenchBroker } from './bench-broker';
import { moveFleet, runBenchClients, startGatewayProcess } from './gateway-process';
import { writeResults } from './results';

/**
 * Fan-out: CLIENTS Socket.IO subscribers of the real gateway receiving driver deltas while
 * DRIVERS drivers move (each once a second through drivers.positions), against a raw `ws`
 * server broadcasting the very frames the gateway sent, at the gateway's cadence, to as many
 * raw clients, in the same run. The clients run in a child process. Targets: messages/s and
 * p99 latency within 0.5 of raw; gateway event-loop p99 <= 50 ms.
 */
const clients = Number(process.env.BENCH_FANOUT_CLIENTS ?? 500);
const drivers = Number(process.env.BENCH_FANOUT_DRIVERS ?? 5_000);
const seconds = Number(process.env.BENCH_FANOUT_SECONDS ?? 20);
const say = (line: string): void => console.error(line);

const stack = await startBenchBroker(say);
let fleet: Awaited<ReturnType<typeof moveFleet>> | null = null;
try {
  fleet = await moveFleet(stack.kafka, drivers, (err) => say(`[bench] produce failed: ${err.message}`));
  const gateway = await startGatewayProcess(stack.brokers, drivers, { ...stack.gatewayEnv, CONNECTS_PER_10S: String(clients * 2), SLOW_CLIENT_MAX_PENDING: '1000' });
  const url = gateway.url;
  say(`[bench] gateway holds ${drivers.toLocaleString('en-US')} drivers; ${clients} Socket.IO clients for ${seconds} s...`);

  // A probe keeps every delta frame the gateway sends, to replay through the raw baseline.
  const cookie = await sessionCookie('viewer', 'bench');
  const frames: { at: number; data: Buffer }[] = [];
  const probe = io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie } });
  probe.on('connect', () => probe.emit('drivers:subscribe'));
  probe.on('drivers:delta', (d: DriverDelta) => frames.push({ at: Date.now(), data: Buffer.from(d.data as Uint8Array) }));
  // prom-client measures event-loop delay from one scrape to the next: this one ends the start-up's.
  await gateway.metric('streamwatch_nodejs_eventloop_lag_p99_seconds');
  const viaGateway = await runBenchClients('socketio', url, cookie, clients, seconds);
  const gatewayLoopP99Ms = (await gateway.metric('streamwatch_nodejs_eventloop_lag_p99_seconds')) * 1000;
  probe.disconnect();
  await fleet.stop();
  fleet = null;
  await gateway.stop();

  // The baseline: the same frames, at the same intervals, through a bare ws broadcast.
  const intervals = frames.slice(1).map((f, i) => f.at - frames[i]!.at);
  const meanInterval = intervals.reduce((a, b) => a + b, 0) / Math.max(1, intervals.length);
  say(`[bench] replaying ${frames.length} captured deltas (mean ${(frames.reduce((n, f) => n + f.data.length, 0) / frames.length / 1024).toFixed(1)} KiB, every ${meanInterval.toFixed(0)} ms) to ${clients} raw ws clients...`);
  const server = createServer();
  const wss = new WebSocketServer({ server });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let next = 0;
  const rawLoop = monitorEventLoopDelay({ resolution: 10 });
  const replay = setInterval(() => {
    const frame = frames[next++ % frames.length]!.data;
    const stamped = Buffer.allocUnsafe(8 + frame.length);
    stamped.writeBigUInt64BE(BigInt(Date.now()), 0);
    frame.copy(stamped, 8);
    for (const c of wss.clients) c.send(stamped);
  }, meanInterval);
  rawLoop.enable();
  const raw = await runBenchClients('raw', `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, '-', clients, seconds);
  rawLoop.disable();
  clearInterval(replay);
  wss.close();
  server.close();

  const title = `fan-out: ${clients} subscribers, ${drivers.toLocaleString('en-US')} drivers moving once a second, ${seconds} s`;
  writeResults('fanout', title, [
    { name: 'deltas delivered', value: viaGateway.messagesPerSecond, unit: 'msg/s', baseline: raw.messagesPerSecond, ratio: viaGateway.messagesPerSecond / raw.messagesPerSecond, target: '>= 0.5' },
    // Lower is better: the ratio is raw / gateway, so that >= 0.5 means "no worse than twice raw".
    { name: 'delivery latency p99', value: viaGateway.p99, unit: 'ms', baseline: raw.p99, ratio: raw.p99 / viaGateway.p99, target: '>= 0.5 (raw ÷ gateway)' },
    { name: 'delivery latency p50', value: viaGateway.p50, unit: 'ms', baseline: raw.p50, ratio: raw.p50 / viaGateway.p50, target: 'report' },
    { name: 'server event-loop delay p99', value: gatewayLoopP99Ms, unit: 'ms', baseline: rawLoop.percentile(99) / 1e6, ratio: rawLoop.percentile(99) / 1e6 / gatewayLoopP99Ms, target: 'gateway <= 50 ms' },
  ]);
  say(`[bench] client process event-loop p99: gateway run ${viaGateway.clientLoopP99Ms.toFixed(1)} ms, raw run ${raw.clientLoopP99Ms.toFixed(1)} ms`);
} finally {
  await fleet?.stop().catch(() => undefined);
  await stack.stop();
}
process.exit(0);
