import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaSecurityEnv, PLAINTEXT, type KafkaSecurity } from '../../lib/kafka-auth';
import { flinkJobs, type FlinkJobKey, type PipelineSettings } from '../../lib/pipeline-jobs';
import { topics, type TopicKey, type TopicSpec } from '../../lib/topics';
import { startFlink } from './flink-jobs';
import { ensureTopics } from './kafka-admin';
import { builtFlinkModule, flinkModule } from './flink-module';
import { Supervisor, type Supervised } from './supervisor';

/**
 * Flink jobs of their own for a test: every catalog topic and consumer group under a fresh
 * prefix, so a test can feed a job exactly the input it means to, kill its JVM, and restart
 * it from its checkpoints without touching the shared stack's jobs.
 */

export interface IsolatedPipeline {
  readonly prefix: string;
  /** Topic name for a catalog key, under this pipeline's prefix. */
  topic(key: TopicKey): string;
  /** A job's consumer group, under this pipeline's prefix. */
  group(job: FlinkJobKey): string;
  /** Starts (or restarts) the Flink JVM; `restoreLatest` resumes each job from its newest checkpoint. */
  start(restoreLatest?: boolean): Promise<Supervised>;
  /** Resolves once every job's tasks are all RUNNING (a job that failed to start fails this). */
  running(timeoutMs?: number): Promise<void>;
  /** Ends the JVM with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /**
   * Resolves once every job has completed `count` more checkpoints than when called: what a
   * job had emitted when called is then committed (a watermark it emits a moment after its
   * last record, too).
   */
  checkpointsAfterNow(count?: number, timeoutMs?: number): Promise<void>;
  /** Over every job: how often it restarted, and its checkpoints completed and failed (REST API); restarts is Infinity if a job is not RUNNING. */
  health(): Promise<{ restarts: number; checkpointsCompleted: number; checkpointsFailed: number }>;
  /** The REST API's URL; empty until the JVM reported it (running() waits for it). */
  readonly restUrl: () => string;
  /** Where its checkpoints and flink.log are. */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface IsolatedPipelineOptions {
  brokers: string[];
  /**
   * How its jobs and topic set-up connect. Its topics and groups carry a prefix no ACL names,
   * so on an authenticated cluster this is the superuser (a test harness, not a deployment).
   */
  security?: KafkaSecurity;
  /** Checkpoints and logs; a temporary directory (removed by stop(), unless KEEP_TEST_DATA is set) when not given. */
  dataDir?: string;
  jobs: readonly FlinkJobKey[];
  settings: PipelineSettings;
  checkpointIntervalMs?: number;
  /** The JVM's heap; 768m by default (enough for two or three jobs). */
  heap?: string;
  /** Topics to share with another pipeline (say its inputs), by catalog key. */
  topicOverrides?: Partial<Record<TopicKey, string>>;
  /** SQL files to run besides the catalog jobs (benchmark baselines). */
  extraJobFiles?: readonly string[];
  /** Every job's parallelism; 2 by default (one task per core here). */
  parallelism?: number;
}

/** An isolated pipeline whose jobs are already running. */
export async function runningPipeline(options: IsolatedPipelineOptions): Promise<IsolatedPipeline> {
  const pipeline = await isolatedPipeline(options);
  await pipeline.start();
  await pipeline.running(180_000);
  return pipeline;
}

/** Whether every named job has all its tasks RUNNING (false while the REST API is not up). */
export async function jobsRunning(restUrl: string, names: string[]): Promise<boolean> {
  try {
    const overview = (await (await fetch(`${restUrl}/jobs/overview`)).json()) as { jobs: { name: string; state: string; tasks: Record<string, number> }[] };
    return names.every((name) => overview.jobs.some((j) => j.name === name && j.state === 'RUNNING' && j.tasks.running === j.tasks.total));
  } catch {
    return false;
  }
}

/** The runner's own last words in its log (why it stopped), or its last lines when it said nothing. */
function runnerSaid(logFile: string): string {
  let lines: string[];
  try {
    lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return 'no log written';
  }
  const own = lines.filter((l) => l.startsWith('streamwatch-flink:'));
  return (own.length ? own.slice(-3) : lines.slice(-3)).map((l) => l.slice(0, 500)).join(' | ');
}

export async function isolatedPipeline(options: IsolatedPipelineOptions): Promise<IsolatedPipeline> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'streamwatch-pipeline-'));
  const prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const topicNames = Object.fromEntries(
    Object.entries(topics).map(([k, t]) => [k, options.topicOverrides?.[k as TopicKey] ?? `${prefix}.${t.name}`]),
  ) as Record<TopicKey, string>;
  const groups = Object.fromEntries(Object.entries(flinkJobs).map(([k, j]) => [k, `${prefix}-${j.consumerGroup}`]));
  const specs: TopicSpec[] = Object.entries(topics).map(([k, t]) => ({ ...t, name: topicNames[k as TopicKey] }));
  await ensureTopics(options.brokers, () => undefined, specs, options.security);

  const root = fileURLToPath(new URL('../..', import.meta.url));
  const module = flinkModule(root);
  const quiet = (): void => undefined;
  const classpath = await builtFlinkModule(module, quiet);

  let supervisor: Supervisor | null = null;
  let current: Supervised | null = null;
  let restUrl = '';
  return {
    prefix,
    dataDir,
    topic: (key) => topicNames[key],
    group: (job) => groups[job]!,
    restUrl: () => restUrl,
    async start(restoreLatest = false) {
      // The JVM binds a port of its own choosing: a port picked here and handed over could be
      // taken meanwhile (by the other pipeline a test starts alongside, say).
      restUrl = '';
      supervisor = new Supervisor(quiet, () => undefined);
      current = startFlink(
        {
          flinkDir: module.dir,
          classpath,
          dataDir: dataDir,
          brokers: options.brokers,
          jobs: options.jobs,
          heap: options.heap ?? '768m',
          parallelism: options.parallelism ?? 2,
          checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
          restPort: 0,
          onRestUrl: (url) => (restUrl = url),
          settings: options.settings,
          topicNames,
          groups,
          restoreLatest,
          name: `flink-${prefix}`,
          extraJobFiles: options.extraJobFiles,
          kafkaEnv: kafkaSecurityEnv(options.security ?? PLAINTEXT),
        },
        supervisor,
      );
      return current;
    },
    async running(timeoutMs = 120_000) {
      const logFile = join(dataDir, 'flink.log');
      const deadline = Date.now() + timeoutMs;
      const want = [...options.jobs.map((j) => flinkJobs[j].sqlFile), ...(options.extraJobFiles ?? []).map((f) => f.split('/').pop()!)].map((f) => f.replace(/\.sql$/, ''));
      for (;;) {
        if (current && current.process.exitCode !== null) throw new Error(`Flink exited (code ${current.process.exitCode}): ${runnerSaid(logFile)}; see ${logFile}`);
        if (restUrl && (await jobsRunning(restUrl, want))) return;
        if (Date.now() > deadline) throw new Error(`Flink jobs ${want.join(', ')} not running after ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async health() {
      const get = async <T>(path: string): Promise<T> => (await (await fetch(`${restUrl}${path}`)).json()) as T;
      const { jobs } = await get<{ jobs: { jid: string; state: string }[] }>('/jobs/overview');
      const sum = { restarts: 0, checkpointsCompleted: 0, checkpointsFailed: 0 };
      for (const job of jobs) {
        if (job.state !== 'RUNNING') sum.restarts = Infinity;
        const [metrics, checkpoints] = await Promise.all([
          get<{ id: string; value: string }[]>(`/jobs/${job.jid}/metrics?get=numRestarts`),
          get<{ counts: { completed: number; failed: number } }>(`/jobs/${job.jid}/checkpoints`),
        ]);
        sum.restarts += Number(metrics[0]?.value ?? 0);
        sum.checkpointsCompleted += checkpoints.counts.completed;
        sum.checkpointsFailed += checkpoints.counts.failed;
      }
      return sum;
    },
    async checkpointsAfterNow(count = 2, timeoutMs = 60_000) {
      const completed = async (): Promise<Map<string, number>> => {
        const { jobs } = (await (await fetch(`${restUrl}/jobs/overview`)).json()) as { jobs: { jid: string; state: string }[] };
        const running = jobs.filter((j) => j.state === 'RUNNING');
        return new Map(await Promise.all(running.map(async (j) => [j.jid, ((await (await fetch(`${restUrl}/jobs/${j.jid}/checkpoints`)).json()) as { counts: { completed: number } }).counts.completed] as const)));
      };
      const before = await completed();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = await completed();
        if ([...before].every(([jid, n]) => (now.get(jid) ?? 0) >= n + count)) return;
        if (Date.now() > deadline) throw new Error(`Flink jobs did not complete ${count} more checkpoints in ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async kill() {
      if (!current) return;
      current.process.kill('SIGKILL');
      await current.exited;
      current = null;
    },
    async stop() {
      await supervisor?.stopAll(5000);
      current = null;
      if (ownDir && !process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
