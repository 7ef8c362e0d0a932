import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flinkSqlVariables } from '../../lib/flink-sql-variables';
import { defaultPipelineSettings, flinkJobs, sharedSqlFile, type FlinkJobKey, type PipelineSettings } from '../../lib/pipeline-jobs';
import { isUsableTokenKey } from '../../lib/card';
import { topics } from '../../lib/topics';
import { flinkJvmArgs } from './flink-module';
import type { Supervised, Supervisor, RestartPolicy } from './supervisor';

export interface FlinkOptions {
  readonly flinkDir: string;
  /** The module's classes and its jars (builtFlinkModule). */
  readonly classpath: string[];
  readonly dataDir: string;
  readonly brokers: string[];
  readonly jobs: readonly FlinkJobKey[];
  readonly heap: string;
  readonly parallelism: number;
  readonly checkpointIntervalMs: number;
  /** Port of the mini-cluster's REST API (job state, checkpoints, metrics), on 127.0.0.1; 0 lets the JVM bind any free one and report it through onRestUrl. */
  readonly restPort: number;
  /** Called with the REST API's URL each time a (re)started JVM has it up. */
  readonly onRestUrl?: (url: string) => void;
  readonly settings?: PipelineSettings;
  /** Topic names by catalog key, and consumer groups by job key, when not the catalog's (tests). */
  readonly topicNames?: Record<string, string>;
  readonly groups?: Record<string, string>;
  /** Resume every job from its newest completed checkpoint in the data dir. */
  readonly restoreLatest?: boolean;
  /** Started again when it dies on its own, each job restoring from its newest checkpoint. */
  readonly restart?: RestartPolicy;
  /** Process name in logs; 'flink' by default. */
  readonly name?: string;
  /** SQL files to run besides the catalog jobs (benchmark baselines). */
  readonly extraJobFiles?: readonly string[];
  /** The jobs' Kafka credentials as environment variables (kafka-credentials.ts flinkJobsSecurityEnv); none on a PLAINTEXT cluster. */
  readonly kafkaEnv?: Record<string, string>;
}

/**
 * Variables as a .properties file, which the runner reads with Properties.load (ISO-8859-1,
 * backslash escapes): the generated checks hold backslashes (\d) and line breaks.
 */
export function javaProperties(vars: Record<string, string>): string {
  const escape = (s: string, key: boolean): string =>
    s.replace(/[\\\n\r\t\f=:#! ]|[^\x20-\x7e]/g, (c, at: number) => {
      if (c === '\\') return '\\\\';
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      if (c === '\t') return '\\t';
      if (c === '\f') return '\\f';
      // Separators and comment marks matter only in keys and at a value's start; spaces only there too.
      if ('=:#! '.includes(c)) return key || at === 0 ? `\\${c}` : c;
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
  return Object.entries(vars).map(([k, v]) => `${escape(k, true)}=${escape(v, false)}\n`).join('');
}

/** What SqlJobRunner prints once its mini-cluster serves REST. */
const REST_LINE = /^streamwatch-flink: mini-cluster REST API at (http:\/\/\S+)$/;

/**
 * What every Flink JVM of ours is given besides its classpath, through the environment only:
 * the card-token key for CardToken.java, and to the JVM that runs the jobs' main the jobs'
 * Kafka credentials (KafkaSecurity.java).
 */
export function flinkJobEnvironment(settings: PipelineSettings = defaultPipelineSettings, kafkaEnv: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cardTokenKey = settings.fraud.cardTokenKey;
  if (!isUsableTokenKey(cardTokenKey)) throw new Error('the card token key must be 16-128 characters of A-Z a-z 0-9 _ -');
  return { ...process.env, CARD_TOKEN_KEY: cardTokenKey, ...kafkaEnv };
}

/** The jobs' SQL variables (brokers, topics, checks) written as the runner's --vars file; returns its path. */
export function writeJobVariables(dataDir: string, o: Pick<FlinkOptions, 'brokers' | 'topicNames' | 'settings' | 'groups'>): string {
  mkdirSync(dataDir, { recursive: true });
  const varsFile = join(dataDir, 'vars.properties');
  const topicNames = o.topicNames ?? Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.name]));
  writeFileSync(varsFile, javaProperties(flinkSqlVariables(o.brokers.join(','), topicNames, o.settings ?? defaultPipelineSettings, o.groups)));
  return varsFile;
}

/**
 * How every job runs, wherever: parallelism, checkpoints (kept on cancel, two retained, so that
 * a restarted stack or JobManager can resume), restarts without a person, UTC windows.
 */
export function jobExecutionSettings(parallelism: number, checkpointIntervalMs: number): Record<string, string> {
  return {
    'parallelism.default': String(parallelism),
    'execution.checkpointing.interval': `${checkpointIntervalMs}ms`,
    'execution.checkpointing.num-retained': '2',
    'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
    // Windows are aligned in the session time zone; UTC keeps them aligned to epoch time.
    'table.local-time-zone': 'UTC',
    'state.backend.type': 'hashmap',
    'restart-strategy.type': 'exponential-delay',
  };
}

/** SqlJobRunner's --job arguments for catalog jobs and extra files, each after the shared definitions. */
export function jobFileArgs(flinkDir: string, jobs: readonly FlinkJobKey[], extraJobFiles: readonly string[] = []): string[] {
  return [
    ...['--shared', join(flinkDir, 'jobs', sharedSqlFile)],
    ...[...jobs.map((key) => join(flinkDir, 'jobs', flinkJobs[key].sqlFile)), ...extraJobFiles].flatMap((file) => ['--job', file]),
  ];
}

/**
 * Runs the Flink SQL jobs in one local mini-cluster JVM, each job checkpointing to its own
 * directory under the data dir (so that a restart can restore each from its latest).
 */
export function startFlink(o: FlinkOptions, supervisor: Supervisor): Supervised {
  const varsFile = writeJobVariables(o.dataDir, o);
  const env = flinkJobEnvironment(o.settings, o.kafkaEnv);
  const settings = jobExecutionSettings(o.parallelism, o.checkpointIntervalMs);
  const args = (restoreLatest: boolean): string[] => [
    ...flinkJvmArgs(o.heap, o.classpath, 'io.streamwatch.flink.SqlJobRunner'),
    ...jobFileArgs(o.flinkDir, o.jobs, o.extraJobFiles),
    '--vars',
    varsFile,
    '--local', 'true',
    '--checkpoints', join(o.dataDir, 'checkpoints'),
    '--restore-latest', String(restoreLatest),
    ...Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
    // Everything the mini-cluster serves (REST, blob server, RPC) stays on loopback.
    '--set', `rest.port=${o.restPort}`,
    '--set', 'rest.bind-address=127.0.0.1',
    '--set', 'rest.address=127.0.0.1',
    '--set', 'jobmanager.bind-host=127.0.0.1',
    '--set', 'jobmanager.rpc.address=127.0.0.1',
    '--set', 'taskmanager.bind-host=127.0.0.1',
    '--set', 'taskmanager.host=127.0.0.1',
  ];
  return supervisor.start({
    name: o.name ?? 'flink',
    command: 'java',
    cwd: o.flinkDir,
    args: args(o.restoreLatest ?? false),
    restartArgs: args(true),
    restart: o.restart,
    env,
    logFile: join(o.dataDir, 'flink.log'),
    echo: (line) => {
      const rest = REST_LINE.exec(line);
      if (rest) o.onRestUrl?.(rest[1]!);
      return flinkEcho(line);
    },
  });
}

/** Flink logs whole generated classes on some errors: the terminal gets our runner's lines and errors' first 300 characters. */
export function flinkEcho(line: string): string | null {
  return line.startsWith('streamwatch-flink:') || /\b(ERROR|Exception:)/.test(line) ? line.slice(0, 300) : null;
}
