import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flinkSqlVariables } from '../../lib/flink-sql-variables';
import { defaultPipelineSettings, flinkJobs, type FlinkJobKey, type PipelineSettings } from '../../lib/pipeline-jobs';
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
 * Runs the Flink SQL jobs in one local mini-cluster JVM, each job checkpointing to its own
 * directory under the data dir (so that a restart can restore each from its latest).
 */
export function startFlink(o: FlinkOptions, supervisor: Supervisor): Supervised {
  mkdirSync(o.dataDir, { recursive: true });
  const varsFile = join(o.dataDir, 'vars.properties');
  const topicNames = o.topicNames ?? Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.name]));
  const vars = flinkSqlVariables(o.brokers.join(','), topicNames, o.settings ?? defaultPipelineSettings, o.groups);
  writeFileSync(varsFile, javaProperties(vars));
  const cardTokenKey = (o.settings ?? defaultPipelineSettings).fraud.cardTokenKey;
  if (!isUsableTokenKey(cardTokenKey)) throw new Error('the card token key must be 16-128 characters of A-Z a-z 0-9 _ -');
  const args = (restoreLatest: boolean): string[] => [
    ...flinkJvmArgs(o.heap, o.classpath, 'io.streamwatch.flink.SqlJobRunner'),
    ...o.jobs.flatMap((key) => ['--job', join(o.flinkDir, 'jobs', flinkJobs[key].sqlFile)]),
    ...(o.extraJobFiles ?? []).flatMap((file) => ['--job', file]),
    '--vars',
    varsFile,
    '--local', 'true',
    '--checkpoints', join(o.dataDir, 'checkpoints'),
    '--restore-latest', String(restoreLatest),
    '--set', `parallelism.default=${o.parallelism}`,
    '--set', `execution.checkpointing.interval=${o.checkpointIntervalMs}ms`,
    '--set', 'execution.checkpointing.num-retained=2',
    '--set', 'execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION',
    // Windows are aligned in the session time zone; UTC keeps them aligned to epoch time.
    '--set', 'table.local-time-zone=UTC',
    '--set', 'state.backend.type=hashmap',
    '--set', 'restart-strategy.type=exponential-delay',
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
    // The card-token key reaches the job's UDF through the environment only (CardToken.java).
    env: { ...process.env, CARD_TOKEN_KEY: cardTokenKey },
    logFile: join(o.dataDir, 'flink.log'),
    // Flink logs whole generated classes on some errors: keep those in the file only.
    echo: (line) => {
      const rest = REST_LINE.exec(line);
      if (rest) o.onRestUrl?.(rest[1]!);
      return line.startsWith('streamwatch-flink:') || /\b(ERROR|Exception:)/.test(line) ? line.slice(0, 300) : null;
    },
  });
}
