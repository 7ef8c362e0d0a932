import { join } from 'node:path';
import { flinkJobs, type FlinkJobKey } from '../../lib/pipeline-jobs';
import { startFlink } from './flink-jobs';
import { startBroker } from './kafka-broker';
import { ensureTopics, waitForCluster } from './kafka-admin';
import { stackAdminPassword } from './admin-password';
import { builtFlinkModule, flinkModule } from './flink-module';
import { resolveClasspath } from './maven';
import { ensureNextBuild } from './next-build';
import { freePorts } from './free-ports';
import { requireJava, requireMaven, requirePortFree } from './preflight';
import type { StackConfig } from './stack-config';
import { defaultRestartPolicy, formatPinoLine, Supervisor, type Say } from './supervisor';

export interface StackParts {
  readonly broker: boolean;
  readonly flink: boolean;
  readonly simulator: boolean;
  readonly gateway: boolean;
}

export interface RunningStack {
  readonly brokers: string[];
  readonly url: string;
  /** The first admin's sign-in (until someone changes it in the users file). */
  readonly admin: { readonly name: string; readonly password: string; readonly passwordFile: string | null };
  /** The Flink mini-cluster's REST API, when this stack runs Flink. */
  readonly flinkRestUrl: string | null;
  /** How often each child died and was started again. */
  restarts(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Brings up the local stack in order: preflight checks, jars, broker, topics, then the Flink
 * jobs, the simulator and the gateway side by side. A part that dies is started again with
 * backoff (Flink restoring its jobs from their checkpoints); one that keeps dying stops the rest.
 */
export async function startStack(
  config: StackConfig,
  say: Say,
  parts: StackParts = { broker: true, flink: true, simulator: true, gateway: true },
  onFailure: (reason: string) => void = () => undefined,
): Promise<RunningStack> {
  const supervisor = new Supervisor(say, (name, code) => onFailure(`${name} exited unexpectedly (code ${code}) and was not started again`));
  try {
    return await bringUp(config, say, parts, supervisor);
  } catch (err) {
    await supervisor.stopAll(3000);
    throw err;
  }
}

async function bringUp(config: StackConfig, say: Say, parts: StackParts, supervisor: Supervisor): Promise<RunningStack> {
  const localBroker = parts.broker && config.externalBrokers === null;
  const needsJava = localBroker || parts.flink;
  if (needsJava) {
    say(`[stack] ${await requireJava()}; ${await requireMaven()}`);
  }
  if (localBroker) {
    await requirePortFree(config.host, config.kafkaPort, 'Kafka broker', 'KAFKA_PORT');
    await requirePortFree(config.host, config.kafkaControllerPort, 'Kafka controller', 'KAFKA_CONTROLLER_PORT');
  }
  if (parts.gateway) await requirePortFree(config.host, config.port, 'dashboard', 'PORT');

  const kafkaModule = { label: 'Kafka', dir: join(config.root, 'pipeline/stack/kafka'), cacheDir: join(config.buildDir, 'kafka') };
  const flinkJobsModule = flinkModule(config.root, config.buildDir);
  const [kafkaClasspath, flinkClasspath] = await Promise.all([
    localBroker ? resolveClasspath(kafkaModule, say) : Promise.resolve([]),
    parts.flink ? builtFlinkModule(flinkJobsModule, say) : Promise.resolve([]),
  ]);
  // Before the JVMs start, so that the build has both cores; a second start reuses it.
  if (parts.gateway && config.nodeEnv === 'production') await ensureNextBuild(config.root, join(config.home, 'logs/build.log'), say);

  let brokers: string[];
  if (localBroker) {
    say(`[stack] starting Kafka (KRaft, single node) on ${config.host}:${config.kafkaPort}...`);
    await startBroker(
      {
        classpath: kafkaClasspath,
        dataDir: join(config.home, 'kafka'),
        host: config.host,
        port: config.kafkaPort,
        controllerPort: config.kafkaControllerPort,
        heap: config.kafkaHeap,
        restart: defaultRestartPolicy,
      },
      supervisor,
    );
    brokers = [`${config.host}:${config.kafkaPort}`];
    await waitForCluster(brokers, 60_000, `See ${join(config.home, 'kafka/broker.log')}.`);
    say('[stack] Kafka is up');
  } else {
    brokers = config.externalBrokers ?? [`${config.host}:${config.kafkaPort}`];
    say(`[stack] using the Kafka cluster at ${brokers.join(',')}`);
    await waitForCluster(brokers, 15_000, 'Check KAFKA_BROKERS (host:port,...) and that the cluster is reachable, or unset it to start the local broker.');
  }
  await ensureTopics(brokers, say);

  let flinkRestUrl: string | null = null;
  if (parts.flink) {
    const restPort = config.flinkRestPort || (await freePorts(1))[0]!;
    flinkRestUrl = `http://${config.host}:${restPort}`;
    const jobs = Object.keys(flinkJobs) as FlinkJobKey[];
    say(`[stack] starting Flink (local mini-cluster) with ${jobs.map((j) => flinkJobs[j].sqlFile).join(', ')}...`);
    startFlink(
      {
        flinkDir: flinkJobsModule.dir,
        classpath: flinkClasspath,
        dataDir: join(config.home, 'flink'),
        brokers,
        jobs,
        heap: config.flinkHeap,
        parallelism: config.flinkParallelism,
        checkpointIntervalMs: config.checkpointIntervalMs,
        restPort,
        settings: config.pipeline,
        restart: defaultRestartPolicy,
      },
      supervisor,
    );
  }
  const tsNode = (script: string) => ['--import', 'tsx', join(config.root, script)];
  if (parts.simulator && config.simDrivers > 0) {
    supervisor.start({
      name: 'simulator',
      command: process.execPath,
      args: [...tsNode('pipeline/simulator/cli.ts'), '--brokers', brokers.join(','), '--drivers', String(config.simDrivers), '--seed', String(config.simSeed), ...config.simArgs],
      cwd: config.root,
      logFile: join(config.home, 'logs/simulator.log'),
      echo: formatPinoLine,
      restart: defaultRestartPolicy,
    });
  }
  const url = `http://${config.host}:${config.port}`;
  const stateDir = join(config.home, 'gateway');
  const passwordFile = join(stateDir, 'admin-password');
  const fromEnv = config.adminPassword;
  const admin = { name: config.adminUser, password: await stackAdminPassword(fromEnv, passwordFile), passwordFile: fromEnv ? null : passwordFile };
  if (parts.gateway) {
    supervisor.start({
      name: 'gateway',
      command: process.execPath,
      args: tsNode('server/index.ts'),
      cwd: config.root,
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers.join(','),
        PORT: String(config.port),
        HOST: config.host,
        NODE_ENV: config.nodeEnv,
        STATE_DIR: stateDir,
        STREAMWATCH_ADMIN_USER: admin.name,
        STREAMWATCH_ADMIN_PASSWORD: admin.password,
        ...(flinkRestUrl ? { FLINK_REST_URL: flinkRestUrl } : {}),
      },
      logFile: join(config.home, 'logs/gateway.log'),
      echo: formatPinoLine,
      restart: defaultRestartPolicy,
    });
  }
  return {
    brokers,
    url,
    admin,
    flinkRestUrl,
    restarts: () => supervisor.restartCounts(),
    stop: async () => {
      await supervisor.stopAll();
      const restarts = Object.entries(supervisor.restartCounts());
      if (restarts.length) say(`[stack] restarted during this run: ${restarts.map(([name, n]) => `${name} ${n}×`).join(', ')}`);
    },
  };
}
