import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flinkJobs } from '../../lib/pipeline-jobs';
import { SOCKET_PATH } from '../../lib/protocol';
import { topics, type TopicKey } from '../../lib/topics';
import { alertsReached, committed, compareRuns, surgeReached } from '../verify/exactly-once';
import { flushPayments, flushRecords, producePaced, simulatedCity } from '../verify/simulated-city';
import { freePortRun, freePorts } from './free-ports';
import { isolatedPipeline, jobsRunning, type IsolatedPipeline } from './isolated-flink';
import { testKafka } from './kafka-test-client';
import { startStack, type RunningStack } from './stack';
import { loadStackConfig, type StackConfig } from './stack-config';

/**
 * The cluster topology under the failures it exists for, one after another while a simulated
 * city streams in: the busiest TaskManager, the active Kafka controller, a gateway behind
 * HAProxy and the JobManager are each killed with SIGKILL and come back without a person. A
 * twin (the exactly-once jobs in a mini-cluster of their own, reading the same raw topics) never
 * fails; what the cluster's jobs committed must equal what the twin committed.
 */
const DURATION_MS = 8 * 60_000;
const SPEEDUP = 2;
const jobNames = Object.values(flinkJobs).map((j) => j.sqlFile.replace(/\.sql$/, ''));
const inputs: TopicKey[] = ['driverLocationsRaw', 'rideRequestsRaw', 'paymentsRaw'];
const say = (line: string): void => console.log(line);
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
    },
    fileURLToPath(new URL('../..', import.meta.url)),
  );
  const started = Date.now();
  stack = await startStack(config, say, undefined, (reason) => console.error(`[cluster] ${reason}`));
  twin = await isolatedPipeline({
    brokers: stack.brokers,
    jobs: ['surge', 'fraud'],
    settings: config.pipeline,
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

/** Polls `check` until it holds; how long that took (ms). */
async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
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
  const kafka = new Kafka({ clientId: 'cluster-failover-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 1000, initialRetryTime: 200, maxRetryTime: 2000 } });
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 1000, initialRetryTime: 200, maxRetryTime: 2000 } });
}

/** A dashboard connected through the balancer: when it last got the analytics state, and how often it lost its gateway. */
function dashboard(cookie: string) {
  const socket: Socket = io(stack.url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 500, reconnectionDelayMax: 2000 });
  const seen = { lastState: 0, disconnects: 0, lostAt: 0, gapsMs: [] as number[] };
  socket.on('connect', () => socket.emit('analytics:subscribe'));
  socket.on('disconnect', () => {
    seen.disconnects++;
    seen.lostAt = Date.now();
  });
  socket.on('analytics:state', () => {
    seen.lastState = Date.now();
    if (seen.lostAt) {
      seen.gapsMs.push(Date.now() - seen.lostAt);
      seen.lostAt = 0;
    }
  });
  return { socket, seen };
}

async function signIn(): Promise<string> {
  const res = await fetch(`${stack.url}/auth/login`, { method: 'POST', body: new URLSearchParams({ name: stack.admin.name, password: stack.admin.password, next: '/' }), redirect: 'manual' });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('sw_session='));
  if (!cookie) throw new Error(`sign-in through the balancer failed (${res.status})`);
  return cookie;
}

describe('the cluster topology', () => {
  it('recovers from a lost TaskManager, Kafka controller, gateway and JobManager by itself, and commits what an undisturbed twin commits', async () => {
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
    const k = testKafka(stack.brokers);
    const admin = k.kafka.admin();
    await admin.connect();
    const report: string[] = [];
    const at = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    // 1. The TaskManager with the most busy slots.
    await pause(20_000);
    const busiest = (await taskManagers()).sort((a, b) => a.freeSlots - b.freeSlots)[0]!;
    const tmKilledAt = at();
    expect(stack.signal(`flink-${busiest.id}`, 'SIGKILL')).not.toBeNull();
    const restartsBefore = await jobRestarts();
    const tmDown = await waitFor('a job noticing the lost TaskManager', async () => !(await jobsRunning(stack.flinkRestUrl!, jobNames)), 60_000);
    const tmRecovered = await waitFor('every job running again after the TaskManager was lost', () => recovered(), 180_000);
    await waitFor('the TaskManager back in the cluster', async () => (await taskManagers()).length === 2, 120_000);
    const restartsAfter = await jobRestarts();
    report.push(
      `TaskManager ${busiest.id} (${busiest.slotsNumber - busiest.freeSlots} busy slots) killed at ${tmKilledAt}: every job running again ${((tmDown + tmRecovered) / 1000).toFixed(1)} s later ` +
        `(restarts by job: ${jobNames.map((n) => `${n} ${(restartsAfter.get(n) ?? 0) - (restartsBefore.get(n) ?? 0)}`).join(', ')})`,
    );

    // 2. The active Kafka controller (every node is a broker and a controller voter).
    await pause(10_000);
    const { controller } = await admin.describeCluster();
    const brokerKilledAt = at();
    expect(stack.signal(`kafka-${controller}`, 'SIGKILL')).not.toBeNull();
    const catalog = Object.values(topics).map((t) => t.name);
    const fullIsr = async () => {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: catalog });
      return meta.every((t) => t.partitions.every((p) => p.isr.length === 3));
    };
    await pause(3000);
    const isrBack = await waitFor('every partition back at three in-sync replicas', () => fullIsr().catch(() => false), 180_000);
    report.push(`Kafka controller (node ${controller}) killed at ${brokerKilledAt}: every partition three in sync again ${((isrBack + 3000) / 1000).toFixed(1)} s later`);

    // 3. A gateway, under two dashboards (round-robin puts one on each) and a page poller.
    const cookie = await signIn();
    const screens = [dashboard(cookie), dashboard(cookie)];
    await waitFor('both dashboards receiving', () => screens.every((s) => s.seen.lastState > 0), 30_000);
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
    const gatewayKilledAt = at();
    expect(stack.signal('gateway-1', 'SIGKILL')).not.toBeNull();
    await waitFor('the lost gateway back', async () => (await fetch(`${stack.gatewayUrls[0]}/readyz`).then((r) => r.ok, () => false)), 120_000);
    await waitFor('every dashboard receiving again', () => screens.every((s) => s.seen.lostAt === 0), 30_000);
    await pause(3000);
    probing = false;
    await prober;
    const gaps = screens.flatMap((s) => s.seen.gapsMs);
    const everyScreenBack = screens.every((s) => s.seen.lostAt === 0);
    const screensThatLostTheirGateway = screens.filter((s) => s.seen.disconnects > 0).length;
    report.push(
      `gateway-1 killed at ${gatewayKilledAt}: ${screensThatLostTheirGateway} of 2 dashboards lost their connection and were served again after ${gaps.map((g) => `${(g / 1000).toFixed(1)} s`).join(', ') || '-'}; ` +
        `${probes.ok} page requests through HAProxy answered, ${probes.failed.length} failed${probes.failed.length ? ` (${probes.failed.join(', ')})` : ''}`,
    );
    for (const s of screens) s.socket.disconnect();

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
    report.push(`JobManager killed at ${jmKilledAt}: every job resubmitted and running ${(jmRecovered / 1000).toFixed(1)} s later, surge and fraud restored from ${restored.map((p) => p?.replace(home, '$HOME') ?? 'nothing').join(' and ')}`);

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
    // Each killed part was started again once, and nothing else fell over with it.
    expect(restarts).toEqual({ [`flink-${busiest.id}`]: 1, [`kafka-${controller}`]: 1, 'gateway-1': 1, 'flink-jobmanager': 1 });
    for (const path of restored) expect(path).toMatch(new RegExp(`^file:${join(home, 'flink', 'checkpoints')}/`));
    // Every record written once through the broker's death (acks=all, idempotence, two replicas in sync).
    expect(raw.reduce((a, b) => a + b, 0)).toBe(outgoing.length);
    expect(everyScreenBack).toBe(true);
    expect(screensThatLostTheirGateway).toBe(1);
    // HAProxy sends a request the dead gateway refused to the other one (redispatch).
    expect(probes.failed).toEqual([]);
    expect(c.windows.steady).toBeGreaterThan(1000);
    expect(c.windows).toMatchObject({ broken: c.windows.steady, differing: 0, onlyInBroken: 0, duplicates: [0, 0] });
    expect(c.alerts.steady).toBeGreaterThanOrEqual(cases.length);
    expect(c.alerts).toMatchObject({ broken: c.alerts.steady, differing: 0, missing: 0, extra: 0, duplicates: [0, 0] });
  }, 1_500_000);
});
