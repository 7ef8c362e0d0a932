import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type AlertRecord, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

/**
 * The soak's signed-in socket clients, in one process: `count` subscribers of the whole city,
 * a few of them also on the lag, pipeline, analytics and alert streams, and one triaging an
 * alert now and then (acknowledge, assign, resolve). A driver position's latency is the time it
 * arrived here minus its event time (the simulator stamps a ping when it sends it, same clock).
 * Prints one JSON line per slice of `sliceMs`.
 *
 * usage: clients.ts <url> <cookie> <count> <sliceMs>
 */
const [url, cookie, countArg, sliceArg] = process.argv.slice(2);
const count = Number(countArg);
const sliceMs = Number(sliceArg);
const TRIAGE_EVERY_MS = 60_000;
/** Every 8th driver of a delta is timed: enough samples, little work for a 2-core machine. */
const SAMPLE_EVERY = 8;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
let slice = { latencies: [] as number[], deltas: 0, snapshots: 0, disconnects: 0, reportsOther: 0, triaged: 0, triageFailed: 0 };
const startedAt = Date.now();
const alerts = new Map<string, AlertRecord>();

/** Event times of every SAMPLE_EVERY-th driver in a binary delta (see lib/driver-wire.ts). */
function sampleLatencies(data: Uint8Array, sentAt: number, now: number): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = view.getUint32(0, true);
  const tsAt = 8 + 12 * n;
  for (let i = 0; i < n; i += SAMPLE_EVERY) slice.latencies.push(now - (sentAt + view.getInt32(tsAt + 4 * i, true)));
}

const clients: Client[] = [];
for (let i = 0; i < count; i++) {
  const s: Client = io(url!, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: cookie! } });
  const watcher = i < 5;
  s.on('connect', () => {
    s.emit('drivers:subscribe');
    if (watcher) {
      s.emit('lag:subscribe');
      s.emit('pipeline:subscribe');
      s.emit('analytics:subscribe');
      s.emit('alerts:subscribe');
    }
  });
  s.on('disconnect', () => slice.disconnects++);
  s.on('drivers:snapshot', () => slice.snapshots++);
  s.on('drivers:delta', (d) => {
    slice.deltas++;
    sampleLatencies(d.data as Uint8Array, d.sentAt, Date.now());
  });
  if (watcher) {
    for (const e of ['lag:report', 'pipeline:status', 'pipeline:data', 'analytics:state'] as const) s.on(e, () => slice.reportsOther++);
    if (i === 0) {
      s.on('alerts:snapshot', (all) => all.forEach((r) => alerts.set(r.alert.alertId, r)));
      s.on('alerts:update', (changed) => changed.forEach((r) => alerts.set(r.alert.alertId, r)));
    }
  }
  clients.push(s);
  if (i % 10 === 9) await new Promise((r) => setTimeout(r, 100));
}

/** One alert through the whole workflow, as an analyst would, on the first client's socket. */
async function triageOne(): Promise<void> {
  const open = [...alerts.values()].find((r) => r.triage.status === 'new');
  if (!open) return;
  const s = clients[0]!;
  const act = (request: Parameters<ClientToServerEvents['alerts:action']>[0]) =>
    new Promise<boolean>((resolve) => s.timeout(10_000).emit('alerts:action', request, (err, result) => resolve(!err && result.ok)));
  const alertId = open.alert.alertId;
  const steps = [
    { actionId: randomUUID(), alertId, type: 'acknowledge' as const },
    { actionId: randomUUID(), alertId, type: 'assign' as const, assignee: 'soak' },
    { actionId: randomUUID(), alertId, type: 'resolve' as const, resolution: 'fraud' as const },
  ];
  for (const step of steps) {
    if (!(await act(step))) {
      slice.triageFailed++;
      return;
    }
  }
  slice.triaged++;
  // Bounded like the gateway's own view: the soak keeps only what it can still triage.
  for (const [id, r] of alerts) if (r.triage.status === 'resolved') alerts.delete(id);
}
setInterval(() => void triageOne(), TRIAGE_EVERY_MS);

const quantile = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
let index = 0;
const report = (): void => {
  const s = slice;
  slice = { latencies: [], deltas: 0, snapshots: 0, disconnects: 0, reportsOther: 0, triaged: 0, triageFailed: 0 };
  s.latencies.sort((a, b) => a - b);
  const connected = clients.filter((c) => c.connected).length;
  const line = {
    slice: index++,
    fromMinute: (index - 1) * (sliceMs / 60_000),
    atMs: Date.now() - startedAt,
    connected,
    samples: s.latencies.length,
    p50: quantile(s.latencies, 0.5),
    p99: quantile(s.latencies, 0.99),
    max: s.latencies.at(-1) ?? NaN,
    deltas: s.deltas,
    snapshots: s.snapshots,
    disconnects: s.disconnects,
    otherReports: s.reportsOther,
    triaged: s.triaged,
    triageFailed: s.triageFailed,
  };
  console.log(JSON.stringify(line));
};
setInterval(report, sliceMs);
// The soak ends on a slice boundary: what arrived since the last report still counts.
process.once('SIGTERM', () => {
  if (slice.latencies.length > 0) report();
  process.exit(0);
});
