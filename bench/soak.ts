import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { root } from './gateway-process';
import { writeResults, type BenchRow } from './results';
import { cpuTicksBelow, slope, stackProcesses, type Watched } from './soak/processes';
import { chromiumLaunchOptions } from '../e2e/support/chromium';

/**
 * The soak: the whole stack as the README runs it (`npm start`: production build, Kafka, Flink,
 * simulator, gateway) under a day's load for `--minutes` (60), sampled every 30 s. Load: 50
 * signed-in socket clients on the whole city (a few also on lag, pipeline, analytics and alerts;
 * one triaging an alert a minute), and with `--browser` the wall page in Chromium.
 *
 * Prints, after the warm-up (5 min), each process's RSS slope (MB/hour), the gateway's heap
 * after major GC and event-loop delay, and the driver latency p99 of every 5-minute slice.
 * `--check` exits 1 when a target is missed: gateway RSS growth < 10 % from the warm-up's end
 * to the end, p99 <= 500 ms in every slice (without the browser), no process restarted or gone.
 */
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    drivers: { type: 'string', default: '3000' },
    clients: { type: 'string', default: '50' },
    'warmup-minutes': { type: 'string' },
    'slice-minutes': { type: 'string' },
    browser: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    port: { type: 'string', default: '3300' },
  },
});
const minutes = Number(args.minutes);
const drivers = Number(args.drivers);
const clientCount = Number(args.clients);
const warmupMinutes = Number(args['warmup-minutes'] ?? Math.min(5, minutes / 2));
const sliceMinutes = Number(args['slice-minutes'] ?? Math.min(5, minutes / 4));
const port = Number(args.port);
const SAMPLE_MS = 30_000;
const P99_TARGET_MS = 500;
// (judged below: slices that start after the warm-up)
const RSS_GROWTH_TARGET = 0.1;
const url = `http://127.0.0.1:${port}`;
const home = join(root, '.streamwatch', 'soak');
const adminPassword = 'soak-admin-password';
const say = (line: string): void => console.error(`[soak] ${line}`);
const mb = (bytes: number): number => bytes / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Sample {
  readonly minute: number;
  readonly rss: Record<Watched, number | null>;
  readonly pids: Record<Watched, number | null>;
  readonly heapAfterGc: number;
  readonly loopP99Ms: number;
  readonly healthzMs: number;
}
interface Slice {
  readonly slice: number;
  readonly fromMinute: number;
  readonly connected: number;
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly deltas: number;
  readonly disconnects: number;
  readonly triaged: number;
  readonly triageFailed: number;
  browserCpuPercent?: number;
}

const children: ChildProcess[] = [];
// The stack stops its own children on SIGTERM; a SIGKILL would leave them running.
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill(c === children[0] ? 'SIGTERM' : 'SIGKILL')));

rmSync(home, { recursive: true, force: true });
mkdirSync(home, { recursive: true });
say(`${minutes} min, ${drivers.toLocaleString('en-US')} drivers, ${clientCount} socket clients${args.browser ? ', the wall in Chromium' : ''}; warm-up ${warmupMinutes} min, slices of ${sliceMinutes} min`);

// The README's run command, with its own ports and data directory.
const stack = spawn(process.execPath, ['--import', 'tsx', 'pipeline/stack/cli.ts'], {
  cwd: root,
  env: {
    ...process.env,
    NODE_ENV: 'production',
    STREAMWATCH_HOME: home,
    PORT: String(port),
    KAFKA_PORT: String(port + 1),
    KAFKA_CONTROLLER_PORT: String(port + 2),
    KAFKA_BROKERS: '',
    SIM_DRIVERS: String(drivers),
    STREAMWATCH_ADMIN_PASSWORD: adminPassword,
    NEXT_TELEMETRY_DISABLED: '1',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
children.push(stack);
const stackLines: string[] = [];
const stackEvents: string[] = [];
let live: () => void;
const isLive = new Promise<void>((resolve) => (live = resolve));
for (const stream of [stack.stdout!, stack.stderr!]) {
  createInterface({ input: stream }).on('line', (line) => {
    stackLines.push(line);
    if (stackLines.length > 200) stackLines.shift();
    if (line.includes('Streamwatch is live:')) live();
    if (/^\[(stack|build)\]/.test(line) || /\b(ERROR|FATAL)\b|heap out of memory/.test(line)) {
      say(`stack: ${line}`);
      if (/exited unexpectedly|out of memory|not starting it again/.test(line)) stackEvents.push(line);
    }
  });
}
const stackExit = new Promise<number | null>((resolve) => stack.once('exit', resolve));

async function stopStack(): Promise<void> {
  if (stack.exitCode !== null) return;
  stack.kill('SIGTERM');
  const killer = setTimeout(() => stack.kill('SIGKILL'), 60_000);
  await stackExit;
  clearTimeout(killer);
}

async function metric(text: string, name: string): Promise<number> {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

async function signIn(): Promise<string> {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', body: new URLSearchParams({ name: 'admin', password: adminPassword, next: '/' }), redirect: 'manual' });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('sw_session='));
  if (!cookie) throw new Error(`sign-in failed (${res.status})`);
  return cookie;
}

async function openWall(cookie: string) {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch(chromiumLaunchOptions);
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const at = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url }]);
  const page = await context.newPage();
  await page.goto(`${url}/wall`);
  return browser;
}

const timeout = setTimeout(() => {
  say('the stack did not come up within 10 minutes');
  process.exit(1);
}, 600_000);
await Promise.race([isLive, stackExit.then((code) => Promise.reject(new Error(`the stack exited (code ${code}) before it was live:\n${stackLines.slice(-30).join('\n')}`)))]);
clearTimeout(timeout);
say('the stack is live; starting the load');
const cookie = await signIn();
const sliceMs = sliceMinutes * 60_000;
const clientsProc = spawn(process.execPath, ['--import', 'tsx', 'bench/soak/clients.ts', url, cookie, String(clientCount), String(sliceMs)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
children.push(clientsProc);
const slices: Slice[] = [];
createInterface({ input: clientsProc.stdout! }).on('line', (line) => {
  try {
    const s = JSON.parse(line) as Slice;
    if (browserPid !== null && browserOpen) {
      // Over the time since the last report: the final slice of a run is a partial one.
      const [ticks, at] = [cpuTicksBelow(browserPid, /chrom/i), Date.now()];
      s.browserCpuPercent = ((ticks - lastBrowserTicks) / 100 / ((at - lastBrowserAt) / 1000)) * 100;
      [lastBrowserTicks, lastBrowserAt] = [ticks, at];
    }
    slices.push(s);
    say(`slice ${s.slice} (minute ${s.fromMinute}-${s.fromMinute + sliceMinutes}): driver latency p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms over ${s.samples.toLocaleString('en-US')} samples; ${s.connected}/${clientCount} connected, ${s.disconnects} disconnects, ${s.triaged} alerts triaged${s.browserCpuPercent !== undefined ? `, browser CPU ${s.browserCpuPercent.toFixed(0)} %` : ''}`);
  } catch {
    say(`clients: ${line}`);
  }
});
const browser = args.browser ? await openWall(cookie) : null;
const browserPid = browser ? process.pid : null;
let lastBrowserTicks = browserPid !== null ? cpuTicksBelow(browserPid, /chrom/i) : 0;
let lastBrowserAt = Date.now();
let browserOpen = browser !== null;

const began = Date.now();
const samples: Sample[] = [];
const firstPids: Partial<Record<Watched, number>> = {};
while (Date.now() - began < minutes * 60_000 && stack.exitCode === null) {
  await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, began + minutes * 60_000 - Date.now())));
  const procs = stackProcesses(stack.pid!);
  const t0 = Date.now();
  const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.ok, () => false);
  const healthzMs = healthy ? Date.now() - t0 : NaN;
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text(), () => '');
  const sample: Sample = {
    minute: (Date.now() - began) / 60_000,
    rss: { gateway: procs.gateway?.rssBytes ?? null, broker: procs.broker?.rssBytes ?? null, flink: procs.flink?.rssBytes ?? null, simulator: procs.simulator?.rssBytes ?? null },
    pids: { gateway: procs.gateway?.pid ?? null, broker: procs.broker?.pid ?? null, flink: procs.flink?.pid ?? null, simulator: procs.simulator?.pid ?? null },
    heapAfterGc: await metric(text, 'streamwatch_heap_after_major_gc_bytes'),
    loopP99Ms: (await metric(text, 'streamwatch_nodejs_eventloop_lag_p99_seconds')) * 1000,
    healthzMs,
  };
  for (const [name, pid] of Object.entries(sample.pids) as [Watched, number | null][]) firstPids[name] ??= pid ?? undefined;
  samples.push(sample);
  const r = sample.rss;
  say(
    `${sample.minute.toFixed(1)} min: RSS gateway ${mb(r.gateway ?? NaN).toFixed(0)} MB, broker ${mb(r.broker ?? NaN).toFixed(0)} MB, flink ${mb(r.flink ?? NaN).toFixed(0)} MB, simulator ${mb(r.simulator ?? NaN).toFixed(0)} MB; ` +
      `gateway heap after GC ${mb(sample.heapAfterGc).toFixed(0)} MB, event-loop p99 ${sample.loopP99Ms.toFixed(0)} ms, /healthz ${healthzMs} ms`,
  );
}
const stoppedEarly = stack.exitCode !== null;
// The clients report the slice under way (with the browser still open), then the stack stops.
const clientsDone = new Promise((resolve) => clientsProc.once('exit', resolve));
clientsProc.kill('SIGTERM');
await Promise.race([clientsDone, new Promise((r) => setTimeout(r, 10_000))]);
await new Promise((r) => setTimeout(r, 200));
browserOpen = false;
await browser?.close();
await stopStack();

// Figures: slopes and growth after the warm-up; a process whose pid changed was restarted.
const steady = samples.filter((s) => s.minute >= warmupMinutes);
const names: Watched[] = ['gateway', 'broker', 'flink', 'simulator'];
const slopes = Object.fromEntries(
  names.map((n) => [n, slope(steady.filter((s) => s.rss[n] !== null).map((s) => ({ x: s.minute / 60, y: mb(s.rss[n]!) })))]),
) as Record<Watched, number>;
const heapSlope = slope(steady.filter((s) => Number.isFinite(s.heapAfterGc)).map((s) => ({ x: s.minute / 60, y: mb(s.heapAfterGc) })));
const loopSlope = slope(steady.filter((s) => Number.isFinite(s.loopP99Ms)).map((s) => ({ x: s.minute / 60, y: s.loopP99Ms })));
const ends = (pick: (s: Sample) => number) => [median(steady.slice(0, 3).map(pick)), median(steady.slice(-3).map(pick))] as const;
const [rssStart, rssEnd] = ends((s) => s.rss.gateway ?? NaN);
const [heapStart, heapEnd] = ends((s) => s.heapAfterGc);
const restarted = names.filter((n) => samples.some((s) => s.pids[n] !== null && s.pids[n] !== firstPids[n]));
const missing = names.filter((n) => samples.some((s) => s.pids[n] === null));
// Slices that start once the warm-up is over (the first ones hold Flink's start-up backlog).
const judged = slices.filter((s) => s.fromMinute >= warmupMinutes);
const worstP99 = Math.max(...judged.map((s) => s.p99));
const loopP99 = median(steady.map((s) => s.loopP99Ms));
const maxHealthz = Math.max(...samples.map((s) => (Number.isFinite(s.healthzMs) ? s.healthzMs : 0)));
const unhealthy = samples.filter((s) => !Number.isFinite(s.healthzMs)).length;

say('');
say(`RSS slope after minute ${warmupMinutes} (MB/hour): ${names.map((n) => `${n} ${slopes[n].toFixed(1)}`).join(', ')}; gateway heap after major GC ${heapSlope.toFixed(1)}`);
say(`gateway RSS ${mb(rssStart).toFixed(0)} MB at minute ${warmupMinutes} -> ${mb(rssEnd).toFixed(0)} MB at the end (${(((rssEnd - rssStart) / rssStart) * 100).toFixed(1)} %); heap after GC ${mb(heapStart).toFixed(0)} -> ${mb(heapEnd).toFixed(0)} MB`);
say(`driver latency p99 per ${sliceMinutes}-minute slice (ms): ${slices.map((s) => `${s.fromMinute}-${s.fromMinute + sliceMinutes} min: ${s.p99}`).join(', ')}; worst after the warm-up ${worstP99} ms`);
say(`event-loop delay p99 (median of samples) ${loopP99.toFixed(0)} ms, slope ${loopSlope.toFixed(1)} ms/hour; slowest /healthz ${maxHealthz} ms, ${unhealthy} unanswered; restarted: ${restarted.join(', ') || 'none'}; not running at some sample: ${missing.join(', ') || 'none'}`);

const label = `${drivers.toLocaleString('en-US')} drivers, ${clientCount} clients${args.browser ? ', wall in Chromium' : ''}, ${minutes} min`;
const rows: BenchRow[] = [
  { name: `gateway RSS, end vs minute ${warmupMinutes}`, value: mb(rssEnd), unit: 'MB', baseline: mb(rssStart), ratio: rssEnd / rssStart, target: `< ${1 + RSS_GROWTH_TARGET}` },
  { name: 'gateway heap after major GC, end vs start', value: mb(heapEnd), unit: 'MB', baseline: mb(heapStart), ratio: heapEnd / heapStart, target: 'report' },
  { name: 'gateway heap after major GC slope after warm-up', value: heapSlope, unit: 'MB/h', baseline: mb(heapStart), ratio: heapSlope / mb(heapStart), target: 'report (ratio: share of it per hour)' },
  { name: 'gateway event-loop delay p99 (median of samples; ratio: slope per hour ÷ it)', value: loopP99, unit: 'ms', baseline: loopP99, ratio: loopSlope / loopP99, target: 'report' },
  // Baseline: the process's RSS (MB) at the warm-up's end; a JVM's grows until its heap is committed.
  ...names.map((n) => ({ name: `${n} RSS slope after warm-up (baseline: its RSS then, MB)`, value: slopes[n], unit: 'MB/h', baseline: mb(ends((s) => s.rss[n] ?? NaN)[0]), ratio: slopes[n] / mb(ends((s) => s.rss[n] ?? NaN)[0]), target: 'report (ratio: share of its RSS per hour)' })),
  { name: `driver latency p99, worst ${sliceMinutes}-min slice after the warm-up (baseline: median p50)`, value: worstP99, unit: 'ms', baseline: median(judged.map((s) => s.p50)), ratio: worstP99 / median(judged.map((s) => s.p50)), target: args.browser ? 'report (wall open)' : `client p99 <= ${P99_TARGET_MS} ms` },
];
writeResults(args.browser ? 'soak-browser' : drivers === 3000 ? 'soak' : `soak-${drivers}`, `soak: ${label}`, rows);
const dir = join(root, 'bench', 'results');
writeFileSync(join(dir, `${args.browser ? 'soak-browser' : drivers === 3000 ? 'soak' : `soak-${drivers}`}.samples.json`), JSON.stringify({ samples, slices, stackEvents, restarted }, null, 2) + '\n');

// Each target is a check; the run ends with a plain "N passed, N failed" line.
const checks: [string, string | null][] = [
  ['the stack ran to the end', stoppedEarly ? `the stack exited before the end (code ${stack.exitCode})` : null],
  [`gateway RSS growth after the warm-up < ${RSS_GROWTH_TARGET * 100} %`, rssEnd / rssStart < 1 + RSS_GROWTH_TARGET ? null : `gateway RSS grew ${(((rssEnd - rssStart) / rssStart) * 100).toFixed(1)} %`],
  [
    `driver latency p99 <= ${P99_TARGET_MS} ms in every slice after the warm-up`,
    judged.length === 0 ? 'no slice after the warm-up was reported' : args.browser || judged.every((s) => s.p99 <= P99_TARGET_MS) ? null : `p99 above the target in slices from minute ${judged.filter((s) => !(s.p99 <= P99_TARGET_MS)).map((s) => s.fromMinute).join(', ')}`,
  ],
  ['no process restarted or died', restarted.length || stackEvents.length ? [...restarted, ...stackEvents].join('; ') : null],
  ['every process running at every sample', missing.length ? `not running at some sample: ${missing.join(', ')}` : null],
];
for (const [what, failure] of checks) say(`${failure === null ? 'ok  ' : 'FAIL'} ${what}${failure === null ? '' : `: ${failure}`}`);
const failed = checks.filter(([, f]) => f !== null).length;
console.log(`soak: ${checks.length - failed} passed, ${failed} failed`);
process.exit(args.check && failed > 0 ? 1 : 0);
