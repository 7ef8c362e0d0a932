import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { SOCKET_PATH, type ClientToServerEvents, type DriverDelta, type ServerToClientEvents } from '../../lib/protocol';
import type { Socket } from 'socket.io-client';

/**
 * N subscribers in one process, for the fan-out bench: Socket.IO clients of the gateway
 * (`socketio <url> <cookie>`) or raw WebSocket clients of the baseline server (`raw <url>`).
 * Each delivery's latency is the receive time minus the sender's timestamp (same machine,
 * same clock). Prints one JSON line when `seconds` have passed after every client connected.
 */
const [mode, url, credential, countArg, secondsArg] = process.argv.slice(2);
const count = Number(countArg);
const seconds = Number(secondsArg);
const latencies: number[] = [];
let messages = 0;
let bytes = 0;
let measuring = false;
let connected = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });

const record = (sentAt: number, size: number): void => {
  if (!measuring) return;
  messages++;
  bytes += size;
  // Sampled: 500 clients x 7 deltas/s would hold millions of numbers.
  if (messages % 7 === 0) latencies.push(Date.now() - sentAt);
};

for (let i = 0; i < count; i++) {
  if (mode === 'socketio') {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(url!, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: credential! }, reconnection: false });
    s.on('connect', () => {
      connected++;
      s.emit('drivers:subscribe');
    });
    s.on('drivers:delta', (d: DriverDelta) => record(d.sentAt, (d.data as Uint8Array).byteLength ?? 0));
    s.on('connect_error', (e) => {
      console.error(`client ${i}: ${e.message}`);
      process.exit(1);
    });
  } else {
    const ws = new WebSocket(url!);
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => connected++);
    ws.on('message', (data: Buffer) => record(Number(data.readBigUInt64BE(0)), data.length - 8));
    ws.on('error', (e) => {
      console.error(`client ${i}: ${e.message}`);
      process.exit(1);
    });
  }
  // Connect in small bursts, as browsers opening a wall would.
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 100));
}

const started = Date.now();
while (connected < count) {
  if (Date.now() - started > 60_000) {
    console.error(`only ${connected} of ${count} clients connected`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 50));
}
// Snapshots first, then steady deltas.
await new Promise((r) => setTimeout(r, 2000));
measuring = true;
loop.enable();
const began = Date.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const elapsed = (Date.now() - began) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
console.log(JSON.stringify({ messagesPerSecond: messages / elapsed, bytesPerSecond: bytes / elapsed, p50: q(0.5), p99: q(0.99), samples: latencies.length, clientLoopP99Ms: loop.percentile(99) / 1e6 }));
process.exit(0);
