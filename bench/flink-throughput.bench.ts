import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Partitioners } from 'kafkajs';
import { defaultPipelineSettings, flinkJobs, type FlinkJobKey } from '../lib/pipeline-jobs';
import type { TopicKey } from '../lib/topics';
import { isolatedPipeline, type IsolatedPipeline } from '../pipeline/stack/isolated-flink';
import { simulatedCity } from '../pipeline/verify/simulated-city';
import { startBenchBroker } from './bench-broker';
import { writeResults } from './results';

/**
 * Events/s per core of each Flink job: the same backlog of simulated city (pings, ride
 * requests, payments with fraud) is drained by each job alone in its own mini-cluster at
 * parallelism 1 (one slot, so about one of this machine's two cores; the broker has the
 * other), timed from RUNNING until the job's committed offsets reach the end of its input
 * topics. Baseline: a pass-through job reading the same job's inputs, in rounds alternating
 * with the job (baseline, job, baseline, job...), best of each side, so that neither side
 * gets the cold first run or another job's event mix. Each is timed from RUNNING to its last
 * commit: a lower bound (see drain()). The pass-through drains within that floor, so the ratio
 * overstates how close a job comes to bare reading.
 */
const minutes = Number(process.env.BENCH_FLINK_MINUTES ?? 5);
const rounds = Number(process.env.BENCH_FLINK_ROUNDS ?? 2);
const parallelism = 1;
const say = (line: string): void => console.error(line);
const stack = await startBenchBroker(say);
const kafka = stack.kafka;
const inputsShared: TopicKey[] = ['driverLocationsRaw', 'rideRequestsRaw', 'paymentsRaw', 'fraudAlerts'];
const baselineDir = mkdtempSync(join(tmpdir(), 'streamwatch-bench-flink-'));

try {
  // The first pipeline owns the input topics; each measured job reads them under its own group.
  const owner = await isolatedPipeline({ brokers: stack.brokers, security: stack.security, jobs: [], settings: defaultPipelineSettings });
  const topicOverrides = Object.fromEntries(inputsShared.map((k) => [k, owner.topic(k)]));
  const t0 = Date.now() - (minutes + 30) * 60_000;
  const { outgoing } = simulatedCity({
    t0,
    durationMs: minutes * 60_000,
    seed: 5,
    topics: { pings: owner.topic('driverLocationsRaw'), requests: owner.topic('rideRequestsRaw'), payments: owner.topic('paymentsRaw') },
    drivers: 2000,
    requestsPerSecond: 40,
    paymentsPerSecond: 300,
    fraudCasesPerMinute: 30,
  });
  say(`[bench] producing ${outgoing.length.toLocaleString('en-US')} records (${minutes} simulated minutes)...`);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < outgoing.length; i += 5_000) {
    const byTopic = new Map<string, { key: string; value: string | Buffer | null; timestamp?: string }[]>();
    for (const o of outgoing.slice(i, i + 5_000)) {
      const list = byTopic.get(o.topic) ?? [];
      list.push(o.message as { key: string; value: Buffer; timestamp: string });
      byTopic.set(o.topic, list);
    }
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }
  await producer.disconnect();

  const rows = [];
  for (const key of Object.keys(flinkJobs) as FlinkJobKey[]) {
    const job = flinkJobs[key].sqlFile.replace(/\.sql$/, '');
    // fraud.alerts is empty here: no fraud job writes it in this run.
    const inputs = flinkJobs[key].inputs.filter((t) => t !== 'fraudAlerts');
    const passthrough = passthroughFor(inputs);
    let best = 0;
    let baseline = 0;
    for (let round = 1; round <= rounds; round++) {
      baseline = Math.max(baseline, await drain(`pass-through on ${job}'s inputs, round ${round}`, [], topicOverrides, [passthrough], inputs, owner));
      best = Math.max(best, await drain(`${job}, round ${round}`, [key], topicOverrides, [], inputs, owner));
    }
    rows.push({ name: `${job} per core (reads ${inputs.join(', ')})`, value: best, unit: 'events/s', baseline, ratio: best / baseline, target: 'report' });
  }
  writeResults('flink-throughput', `Flink jobs draining a ${minutes}-minute backlog alone at parallelism ${parallelism} (one slot), vs a pass-through job on the same inputs, ${rounds} alternating rounds, best of each`, rows);
} finally {
  await stack.stop();
  rmSync(baselineDir, { recursive: true, force: true });
}

/** The pass-through job's SQL reading exactly these inputs (a file of its own per input set). */
function passthroughFor(inputs: readonly TopicKey[]): string {
  const template = readFileSync(fileURLToPath(new URL('./flink/passthrough.sql', import.meta.url)), 'utf8');
  const dir = mkdtempSync(join(baselineDir, 'job-'));
  const file = join(dir, 'passthrough.sql');
  writeFileSync(file, template.replaceAll('{{inputs}}', inputs.map((k) => `\${topic.${k}}`).join(';')));
  return file;
}

/** Events/s of one job draining its inputs from the beginning. */
async function drain(
  name: string,
  jobs: FlinkJobKey[],
  topicOverrides: Partial<Record<TopicKey, string>>,
  extraJobFiles: string[],
  inputs: TopicKey[],
  owner: IsolatedPipeline,
): Promise<number> {
  const p = await isolatedPipeline({ brokers: stack.brokers, security: stack.security, jobs, settings: defaultPipelineSettings, topicOverrides, extraJobFiles, parallelism });
  const group = jobs.length > 0 ? `${p.prefix}-${flinkJobs[jobs[0]!].consumerGroup}` : `${p.prefix}-${flinkJobs.kpis.consumerGroup}-baseline`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topicsIn = inputs.map((k) => owner.topic(k));
    let total = 0;
    for (const topic of topicsIn) total += (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
    await p.start();
    await p.running(180_000);
    const started = Date.now();
    // Offsets are committed on checkpoints, and what a poll sees moves in jumps of several
    // seconds (a pass-through's first commit came ~10 s after RUNNING with the whole backlog
    // done), so a rate inside the drain is noise. The whole drain from RUNNING to the last
    // commit is reported: a lower bound, start-up and commit cadence included.
    let done = 0;
    for (;;) {
      // A fresh group's coordinator may still be loading: ask again.
      const offsets = await admin.fetchOffsets({ groupId: group, topics: topicsIn }).catch((err: { retriable?: boolean }) => {
        if (err.retriable) return null;
        throw err;
      });
      if (offsets) done = offsets.flatMap((t) => t.partitions).reduce((n, o) => n + Math.max(0, Number(o.offset)), 0);
      if (done >= total) break;
      if (Date.now() - started > 600_000) throw new Error(`${name} drained ${done} of ${total} in 10 min`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const rate = total / seconds;
    say(`[bench] ${name}: ${total.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s from RUNNING = ${Math.round(rate).toLocaleString('en-US')} events/s (at least)`);
    return rate;
  } finally {
    await admin.disconnect();
    await p.stop();
  }
}
