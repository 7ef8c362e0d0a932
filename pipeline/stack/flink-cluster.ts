import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PipelineSettings } from '../../lib/pipeline-jobs';
import { flinkEcho, flinkJobEnvironment, jobExecutionSettings } from './flink-jobs';
import { flinkJvmArgs } from './flink-module';
import { StackError } from './preflight';
import type { RestartPolicy, Supervised, Supervisor } from './supervisor';

const run = promisify(execFile);

export interface FlinkClusterOptions {
  /** A Flink distribution's lib/ (pipeline/stack/flink-dist); job jars bring the rest. */
  readonly distClasspath: readonly string[];
  readonly dataDir: string;
  readonly taskManagers: number;
  /** Slots of each TaskManager: enough that one alone can run every job after the other is lost. */
  readonly slotsPerTaskManager: number;
  /** Whole process size of each TaskManager (Flink divides it into heap, network, metaspace...). */
  readonly taskManagerMemory: string;
  readonly jobManagerMemory: string;
  readonly parallelism: number;
  readonly checkpointIntervalMs: number;
  readonly rpcPort: number;
  readonly restPort: number;
  /** log4j2 configuration of the cluster's JVMs. */
  readonly log4jConfig: string;
  readonly settings?: PipelineSettings;
  readonly restart?: RestartPolicy;
  /** The jobs' Kafka credentials, for the JobManager (where a submitted job's main runs); the TaskManagers get them inside the job. */
  readonly kafkaEnv?: Record<string, string>;
}

export interface FlinkCluster {
  readonly restUrl: string;
  readonly jobManager: Supervised;
  readonly taskManagers: readonly Supervised[];
}

/**
 * How long a lost TaskManager or JobManager goes unnoticed: the other side declares it dead
 * after this many milliseconds without a heartbeat (a SIGKILL is often seen sooner, when its
 * connections drop).
 */
export const FLINK_HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * The session cluster's configuration (config.yaml): loopback only, fixed RPC and REST ports
 * (TaskManagers find a restarted JobManager at the same address), checkpoints kept on
 * cancellation and restarts without a person, as in the mini-cluster (jobExecutionSettings).
 */
export function clusterConfiguration(o: FlinkClusterOptions): Record<string, string> {
  return {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': String(o.rpcPort),
    'jobmanager.bind-host': '127.0.0.1',
    'jobmanager.memory.process.size': o.jobManagerMemory,
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': String(o.restPort),
    // The REST API takes jar uploads (/jars/upload, /jars/:id/run): that is how jobs arrive.
    'web.submit.enable': 'true',
    'web.upload.dir': join(o.dataDir, 'uploads'),
    'blob.storage.directory': join(o.dataDir, 'blobs'),
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'taskmanager.numberOfTaskSlots': String(o.slotsPerTaskManager),
    'taskmanager.memory.process.size': o.taskManagerMemory,
    // State lives on the heap (hashmap backend); managed memory serves only the window
    // aggregations' buffers (surge, kpis), which fail to open without any. The mini-cluster's default.
    'taskmanager.memory.managed.size': '128m',
    // Spread each job's subtasks over the TaskManagers, so losing one costs every job half its slots, not all of one job's.
    'taskmanager.load-balance.mode': 'SLOTS',
    'heartbeat.interval': '2000',
    'heartbeat.timeout': String(FLINK_HEARTBEAT_TIMEOUT_MS),
    // A TaskManager whose JobManager is gone keeps trying to register for this long (a JobManager restart).
    'taskmanager.registration.timeout': '10 min',
    'jobmanager.execution.failover-strategy': 'region',
    // A job's main() runs inside the JobManager on /jars/:id/run: System.exit there must not end the JobManager.
    'cluster.intercept-user-system-exit': 'THROW',
    ...jobExecutionSettings(o.parallelism, o.checkpointIntervalMs),
  };
}

/** config.yaml text: one flat key a line, values double-quoted (YAML strings; Flink converts them). */
export function configYaml(config: Record<string, string>): string {
  return `# Written by the Streamwatch stack on every start; edit pipeline/stack/flink-cluster.ts instead.\n${Object.entries(config)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;
}

/**
 * The JVM flags and derived memory settings Flink's own start scripts compute for a JobManager or
 * TaskManager (BashJavaUtils, as bin/taskmanager.sh runs it): a TaskManager refuses to start
 * without the derived sizes.
 */
async function processResources(classpath: readonly string[], confDir: string, kind: 'JM' | 'TM'): Promise<{ jvm: string[]; dynamic: string[] }> {
  let stdout: string;
  try {
    ({ stdout } = await run('java', ['-cp', classpath.join(':'), 'org.apache.flink.runtime.util.bash.BashJavaUtils', `GET_${kind}_RESOURCE_PARAMS`, '--configDir', confDir]));
  } catch (err) {
    throw new StackError(`Flink could not size its ${kind === 'JM' ? 'JobManager' : 'TaskManager'} from ${confDir}/config.yaml: ${(err as Error).message.slice(0, 500)}`);
  }
  const results = stdout
    .split('\n')
    .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
    .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (results.length < 2) throw new StackError(`Flink's BashJavaUtils gave no ${kind} memory settings:\n${stdout.slice(-500)}`);
  return { jvm: results[0]!.split(/\s+/).filter(Boolean), dynamic: results[1]!.split(/\s+/).filter(Boolean) };
}

/**
 * A standalone Flink session cluster as separate JVMs, as a Flink distribution's
 * start-cluster.sh starts it: one JobManager (StandaloneSessionClusterEntrypoint) and N
 * TaskManagers (TaskManagerRunner). Each is restarted when it dies; a TaskManager re-registers
 * with the JobManager, also with a restarted one. Jobs are submitted separately (SessionJobs).
 */
export async function startFlinkCluster(o: FlinkClusterOptions, supervisor: Supervisor): Promise<FlinkCluster> {
  const confDir = join(o.dataDir, 'conf');
  mkdirSync(confDir, { recursive: true });
  mkdirSync(join(o.dataDir, 'uploads'), { recursive: true });
  writeFileSync(join(confDir, 'config.yaml'), configYaml(clusterConfiguration(o)));
  const [jm, tm] = await Promise.all([processResources(o.distClasspath, confDir, 'JM'), processResources(o.distClasspath, confDir, 'TM')]);
  const env = flinkJobEnvironment(o.settings);
  const properties = { 'log4j.configurationFile': o.log4jConfig };
  const jobManager = supervisor.start({
    name: 'flink-jobmanager',
    command: 'java',
    cwd: o.dataDir,
    args: [...flinkJvmArgs(jm.jvm, o.distClasspath, 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', properties), '--configDir', confDir, ...jm.dynamic],
    env: flinkJobEnvironment(o.settings, o.kafkaEnv),
    restart: o.restart,
    logFile: join(o.dataDir, 'jobmanager.log'),
    echo: flinkEcho,
  });
  const taskManagers = Array.from({ length: o.taskManagers }, (_, i) =>
    supervisor.start({
      name: `flink-taskmanager-${i + 1}`,
      command: 'java',
      cwd: o.dataDir,
      args: [
        ...flinkJvmArgs(tm.jvm, o.distClasspath, 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', properties),
        '--configDir',
        confDir,
        '-D',
        `taskmanager.resource-id=taskmanager-${i + 1}`,
        ...tm.dynamic,
      ],
      env,
      restart: o.restart,
      logFile: join(o.dataDir, `taskmanager-${i + 1}.log`),
      echo: flinkEcho,
    }),
  );
  return { restUrl: `http://127.0.0.1:${o.restPort}`, jobManager, taskManagers };
}
