import { sessionCookie } from '../server/testing/credentials';
import { startBenchBroker } from './bench-broker';
import { moveFleet, runBenchClients, startGatewayProcess } from './gateway-process';
import { writeResults } from './results';

/**
 * Gateway memory under a steady full load: DRIVERS drivers moving once a second and CLIENTS
 * subscribers, for BENCH_MEMORY_MINUTES (10; `BENCH_MEMORY_MINUTES=120` for a soak). RSS is
 * sampled every 10 s from the gateway's /metrics; the baseline is the median RSS of the minute
 * after a 2-minute warm-up, the figure the median of the last minute. Target: growth < 10 %.
 */
const minutes = Number(process.env.BENCH_MEMORY_MINUTES ?? 10);
const drivers = Number(process.env.BENCH_MEMORY_DRIVERS ?? 20_000);
const clients = Number(process.env.BENCH_MEMORY_CLIENTS ?? 50);
const say = (line: string): void => console.error(line);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const stack = await startBenchBroker(say);
let fleet: Awaited<ReturnType<typeof moveFleet>> | null = null;
try {
  fleet = await moveFleet(stack.kafka, drivers, (err) => say(`[bench] produce failed: ${err.message}`));
  const gateway = await startGatewayProcess(stack.brokers, drivers, stack.gatewayEnv);
  say(`[bench] ${drivers.toLocaleString('en-US')} drivers moving, ${clients} subscribers, ${minutes} min; RSS every 10 s...`);
  const clientsDone = runBenchClients('socketio', gateway.url, await sessionCookie('viewer', 'bench'), clients, minutes * 60);
  const samples: { at: number; rss: number; heap: number }[] = [];
  const began = Date.now();
  while (Date.now() - began < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, 10_000));
    const [rss, heap] = await Promise.all([gateway.metric('streamwatch_process_resident_memory_bytes'), gateway.metric('streamwatch_nodejs_heap_size_used_bytes')]);
    samples.push({ at: (Date.now() - began) / 1000, rss, heap });
    if (samples.length % 6 === 0) say(`[bench] ${Math.round(samples.at(-1)!.at / 60)} min: RSS ${(rss / 2 ** 20).toFixed(0)} MiB, heap used ${(heap / 2 ** 20).toFixed(0)} MiB`);
  }
  const figures = await clientsDone;
  await gateway.stop();
  const warm = samples.filter((s) => s.at > 120 && s.at <= 180);
  const last = samples.filter((s) => s.at > minutes * 60 - 60);
  const [early, late] = [median(warm.map((s) => s.rss)), median(last.map((s) => s.rss))];
  const [earlyHeap, lateHeap] = [median(warm.map((s) => s.heap)), median(last.map((s) => s.heap))];
  const mib = 2 ** 20;
  writeResults('memory', `gateway memory: ${drivers.toLocaleString('en-US')} drivers moving, ${clients} subscribers (${Math.round(figures.messagesPerSecond)} deltas/s delivered), ${minutes} min`, [
    { name: 'RSS, last minute vs minute 3', value: late / mib, unit: 'MiB', baseline: early / mib, ratio: late / early, target: '< 1.10' },
    { name: 'heap used, last minute vs minute 3', value: lateHeap / mib, unit: 'MiB', baseline: earlyHeap / mib, ratio: lateHeap / earlyHeap, target: 'report' },
  ]);
} finally {
  await fleet?.stop().catch(() => undefined);
  await stack.stop();
}
process.exit(0);
