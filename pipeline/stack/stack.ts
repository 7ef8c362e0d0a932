import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flinkJobs, type FlinkJobKey } from '../../lib/pipeline-jobs';
import { startFlinkCluster } from './flink-cluster';
import { jobFileArgs, startFlink, writeJobVariables } from './flink-jobs';
import { SessionJobs } from './flink-session-jobs';
import { startBroker } from './kafka-broker';
import { applyAcls } from './kafka-acls';
import { adminSecurity, brokerAuth, flinkJobsSecurityEnv, KAFKA_CREDENTIALS_FILE, serviceSecurity, stackKafkaCredentials, type StackKafkaCredentials } from './kafka-credentials';
import { kafkaSecurityEnv, type KafkaSecurity } from '../../lib/kafka-auth';
import type { Service } from '../../lib/kafka-access';
import { ensureTopics, waitForCluster } from './kafka-admin';
import { keptSecret, stackAdminPassword } from './admin-password';
import { builtFlinkModule, flinkJobJar, flinkModule } from './flink-module';
import { requireHaproxy, startLoadBalancer } from './load-balancer';
import { resolveClasspath } from './maven';
import { ensureNextBuild } from './next-build';
import { freePorts } from './free-ports';
import { requireJava, requireMaven, requirePortFree, StackError } from './preflight';
import type { StackConfig } from './stack-config';
import { defaultRestartPolicy, formatPinoLine, Supervisor, type Say } from './supervisor';

export interface StackParts {
  readonly broker: boolean;
  readonly flink: boolean;
  readonly simulator: boolean;
  readonly gateway: boolean;
}

export interface RunningStack {
  readonly topology: StackConfig['topology'];
  readonly brokers: string[];
  /** How the stack's tools and tests connect: the local cluster's superuser, or the external cluster's KAFKA_SASL_* principal. */
  readonly kafkaSecurity: KafkaSecurity;
  /** How a service of ours connects: its own principal on the local cluster (lib/kafka-access.ts). */
  securityOf(service: Service): KafkaSecurity;
  /** Where browsers go: the gateway, or in the cluster topology the load balancer in front of the gateways. */
  readonly url: string;
  /** Each gateway's own address (one in the single-node topology). */
  readonly gatewayUrls: string[];
  /** The first admin's sign-in (until someone changes it in the users file). */
  readonly admin: { readonly name: string; readonly password: string; readonly passwordFile: string | null };
  /** The gateways' bearer token for /metrics and the detailed /readyz, when they have one. */
  readonly opsToken: string | null;
  /** Flink's REST API (the mini-cluster's, or the session cluster's JobManager), when this stack runs Flink. */
  readonly flinkRestUrl: string | null;
  /** How often each child died and was started again. */
  restarts(): Record<string, number>;
  /** Signals one part by name (kafka-2, flink-taskmanager-1, gateway-1...): how fault tests crash it. Its pid, or null when not running. */
  signal(name: string, signal: NodeJS.Signals): number | null;
  stop(): Promise<void>;
}

/** In the cluster topology: three brokers, two TaskManagers, two gateways. */
const CLUSTER = { brokers: 3, taskManagers: 2, gateways: 2 } as const;

/**
 * Brings up the local stack in order: preflight checks, jars, brokers, topics, then the Flink
 * jobs, the simulator and the gateways side by side. A part that dies is started again with
 * backoff (Flink restoring its jobs from their checkpoints); one that keeps dying stops the rest.
 * The single-node topology runs one broker, a Flink mini-cluster and one gateway; the cluster
 * topology (STACK_TOPOLOGY=cluster) the shape a company deploys: see docs/operations.md.
 */
export async function startStack(
  config: StackConfig,
  say: Say,
  parts: StackParts = { broker: true, flink: true, simulator: true, gateway: true },
  onFailure: (reason: string) => void = () => undefined,
): Promise<RunningStack> {
  const supervisor = new Supervisor(say, (name, code) => onFailure(`${name} exited unexpectedly (code ${code}) and was not started again`));
  const stops: (() => Promise<void>)[] = [];
  try {
    return await bringUp(config, say, parts, supervisor, stops);
  } catch (err) {
    for (const stop of stops) await stop().catch(() => undefined);
    await supervisor.stopAll(3000);
    throw err;
  }
}

/** Each broker node's client and controller ports: the configured pair, then every second port after them. */
function kafkaNodePorts(config: StackConfig): { port: number; controllerPort: number }[] {
  const nodes = config.topology === 'cluster' ? CLUSTER.brokers : 1;
  return Array.from({ length: nodes }, (_, i) => ({ port: config.kafkaPort + 2 * i, controllerPort: config.kafkaControllerPort + 2 * i }));
}

async function bringUp(config: StackConfig, say: Say, parts: StackParts, supervisor: Supervisor, stops: (() => Promise<void>)[]): Promise<RunningStack> {
  const cluster = config.topology === 'cluster';
  const localBroker = parts.broker && config.externalBrokers === null;
  const needsJava = localBroker || parts.flink;
  if (needsJava) say(`[stack] ${await requireJava()}; ${await requireMaven()}`);
  if (cluster && parts.gateway) say(`[stack] ${await requireHaproxy()}`);
  const nodePorts = kafkaNodePorts(config);
  if (localBroker) {
    for (const [i, node] of nodePorts.entries()) {
      const which = nodePorts.length > 1 ? ` ${i + 1}` : '';
      await requirePortFree(config.host, node.port, `Kafka broker${which}`, 'KAFKA_PORT');
      await requirePortFree(config.host, node.controllerPort, `Kafka controller${which}`, 'KAFKA_CONTROLLER_PORT');
    }
  }
  if (parts.gateway) await requirePortFree(config.host, config.port, cluster ? 'load balancer' : 'dashboard', 'PORT');

  const kafkaModule = { label: 'Kafka', dir: join(config.root, 'pipeline/stack/kafka'), cacheDir: join(config.buildDir, 'kafka') };
  const distModule = { label: 'Flink cluster', dir: join(config.root, 'pipeline/stack/flink-dist'), cacheDir: join(config.buildDir, 'flink-dist') };
  const flinkJobsModule = flinkModule(config.root, config.buildDir);
  const [kafkaClasspath, flinkClasspath, distClasspath] = await Promise.all([
    localBroker ? resolveClasspath(kafkaModule, say) : Promise.resolve([]),
    parts.flink ? builtFlinkModule(flinkJobsModule, say) : Promise.resolve([]),
    parts.flink && cluster ? resolveClasspath(distModule, say) : Promise.resolve([]),
  ]);
  // Before the JVMs start, so that the build has both cores; a second start reuses it.
  if (parts.gateway && config.nodeEnv === 'production') await ensureNextBuild(config.root, join(config.home, 'logs/build.log'), say);

  let brokers: string[];
  let credentials: StackKafkaCredentials | null = null;
  if (localBroker) {
    const made = await stackKafkaCredentials(join(config.home, KAFKA_CREDENTIALS_FILE));
    credentials = made.credentials;
    const auth = brokerAuth(credentials);
    const dataDirs = nodePorts.map((_, i) => join(config.home, cluster ? `kafka-${i + 1}` : 'kafka'));
    if (made.made && dataDirs.some((d) => existsSync(join(d, 'data', 'meta.properties')))) {
      throw new StackError(
        `The Kafka data in ${dataDirs.join(', ')} was made before Streamwatch's Kafka principals (it has no users for them). ` +
          `Delete ${config.home} (or set STREAMWATCH_HOME to a new directory) to start a fresh cluster.`,
      );
    }
    brokers = nodePorts.map((n) => `${config.host}:${n.port}`);
    say(
      cluster
        ? `[stack] starting Kafka (KRaft, ${nodePorts.length} nodes, each broker and controller voter) on ${brokers.join(', ')}...`
        : `[stack] starting Kafka (KRaft, single node) on ${brokers[0]}...`,
    );
    const clusterId = cluster ? kafkaClusterId(config.home) : undefined;
    await Promise.all(
      nodePorts.map((node, i) =>
        startBroker(
          {
            classpath: kafkaClasspath,
            dataDir: dataDirs[i]!,
            host: config.host,
            port: node.port,
            controllerPort: node.controllerPort,
            heap: config.kafkaHeap,
            restart: defaultRestartPolicy,
            auth,
            ...(clusterId ? { name: `kafka-${i + 1}`, cluster: { nodeId: i + 1, controllerPorts: nodePorts.map((n) => n.controllerPort), clusterId } } : {}),
          },
          supervisor,
        ),
      ),
    );
    await waitForCluster(brokers, 90_000, `See ${join(config.home, cluster ? 'kafka-*/broker.log' : 'kafka/broker.log')}.`, nodePorts.length, adminSecurity(credentials));
    say('[stack] Kafka is up');
  } else {
    brokers = config.externalBrokers ?? [`${config.host}:${config.kafkaPort}`];
    say(`[stack] using the Kafka cluster at ${brokers.join(',')}${config.externalSecurity.sasl ? ` as ${config.externalSecurity.sasl.username}` : ''}`);
    await waitForCluster(
      brokers,
      15_000,
      'Check KAFKA_BROKERS (host:port,...), KAFKA_SASL_* and that the cluster is reachable, or unset KAFKA_BROKERS to start the local broker.',
      1,
      config.externalSecurity,
    );
  }
  const kafkaSecurity = credentials ? adminSecurity(credentials) : config.externalSecurity;
  const securityOf = (service: Service): KafkaSecurity => (credentials ? serviceSecurity(credentials, service) : config.externalSecurity);
  await ensureTopics(brokers, say, undefined, kafkaSecurity);
  if (credentials) {
    // An external cluster manages its own ACLs (docs/security.md lists what ours need).
    const acls = await applyAcls(brokers, kafkaSecurity);
    say(`[stack] Kafka ACLs in place: a principal per service (${acls.created} bindings added, ${acls.removed} removed)`);
  }
  const flinkKafkaEnv = credentials ? flinkJobsSecurityEnv(credentials) : kafkaSecurityEnv(config.externalSecurity);

  let flinkRestUrl: string | null = null;
  if (parts.flink) {
    const jobs = Object.keys(flinkJobs) as FlinkJobKey[];
    const dataDir = join(config.home, 'flink');
    if (cluster) {
      const [restPort, rpcPort] = [config.flinkRestPort || (await freePorts(1))[0]!, (await freePorts(1))[0]!];
      say(`[stack] starting a Flink session cluster (a JobManager and ${CLUSTER.taskManagers} TaskManagers)...`);
      const flink = await startFlinkCluster(
        {
          distClasspath,
          dataDir,
          taskManagers: CLUSTER.taskManagers,
          // One TaskManager alone can run every job (after losing the other), with room for a
          // second copy of each (a blue-green redeploy, a test's twin).
          slotsPerTaskManager: 2 * jobs.length * config.flinkParallelism,
          taskManagerMemory: config.flinkHeap,
          jobManagerMemory: '1024m',
          parallelism: config.flinkParallelism,
          checkpointIntervalMs: config.checkpointIntervalMs,
          rpcPort,
          restPort,
          log4jConfig: join(flinkJobsModule.dir, 'src/main/resources/log4j2.properties'),
          settings: config.pipeline,
          restart: defaultRestartPolicy,
          kafkaEnv: flinkKafkaEnv,
        },
        supervisor,
      );
      flinkRestUrl = flink.restUrl;
      const varsFile = writeJobVariables(dataDir, { brokers, settings: config.pipeline });
      const sessionJobs = new SessionJobs({
        restUrl: flink.restUrl,
        jobJar: flinkJobJar(flinkJobsModule),
        entryClass: 'io.streamwatch.flink.SqlJobRunner',
        parallelism: config.flinkParallelism,
        say,
        jobs: jobs.map((key) => ({
          name: flinkJobs[key].sqlFile.replace(/\.sql$/, ''),
          args: (restore) => [...jobFileArgs(flinkJobsModule.dir, [key]), '--vars', varsFile, '--checkpoints', join(dataDir, 'checkpoints'), '--restore-latest', String(restore), '--detached', 'true'],
        })),
      });
      sessionJobs.start();
      stops.push(() => sessionJobs.stop());
    } else {
      const restPort = config.flinkRestPort || (await freePorts(1))[0]!;
      flinkRestUrl = `http://${config.host}:${restPort}`;
      say(`[stack] starting Flink (local mini-cluster) with ${jobs.map((j) => flinkJobs[j].sqlFile).join(', ')}...`);
      startFlink(
        {
          flinkDir: flinkJobsModule.dir,
          classpath: flinkClasspath,
          dataDir,
          brokers,
          jobs,
          heap: config.flinkHeap,
          parallelism: config.flinkParallelism,
          checkpointIntervalMs: config.checkpointIntervalMs,
          restPort,
          settings: config.pipeline,
          restart: defaultRestartPolicy,
          kafkaEnv: flinkKafkaEnv,
        },
        supervisor,
      );
    }
  }
  const tsNode = (script: string) => ['--import', 'tsx', join(config.root, script)];
  if (parts.simulator && config.simDrivers > 0) {
    supervisor.start({
      name: 'simulator',
      command: process.execPath,
      args: [...tsNode('pipeline/simulator/cli.ts'), '--brokers', brokers.join(','), '--drivers', String(config.simDrivers), '--seed', String(config.simSeed), ...config.simArgs],
      cwd: config.root,
      env: { ...process.env, ...kafkaSecurityEnv(securityOf('simulator')) },
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
  // Behind the balancer every browser reaches a gateway from loopback, which the gateway trusts
  // with its ops routes when it has no token: so the cluster's gateways get one.
  const opsToken = config.opsToken ?? (cluster ? await keptSecret(undefined, join(stateDir, 'ops-token'), 24) : null);
  const gatewayPorts = cluster ? await freePorts(CLUSTER.gateways) : [config.port];
  if (parts.gateway) {
    for (const [i, port] of gatewayPorts.entries()) {
      const name = cluster ? `gateway-${i + 1}` : 'gateway';
      supervisor.start({
        name,
        command: process.execPath,
        args: tsNode('server/index.ts'),
        cwd: config.root,
        env: {
          ...process.env,
          KAFKA_BROKERS: brokers.join(','),
          ...kafkaSecurityEnv(securityOf('gateway')),
          PORT: String(port),
          HOST: config.host,
          NODE_ENV: config.nodeEnv,
          // Every gateway of a stack shares its secrets and users (the state directory).
          STATE_DIR: stateDir,
          STREAMWATCH_ADMIN_USER: admin.name,
          STREAMWATCH_ADMIN_PASSWORD: admin.password,
          ...(cluster ? { GATEWAY_ID: name, PUBLIC_URL: url } : {}),
          ...(opsToken ? { OPS_TOKEN: opsToken } : {}),
          ...(flinkRestUrl ? { FLINK_REST_URL: flinkRestUrl } : {}),
        },
        logFile: join(config.home, `logs/${name}.log`),
        echo: formatPinoLine,
        restart: defaultRestartPolicy,
      });
    }
    if (cluster) {
      await startLoadBalancer({ dataDir: join(config.home, 'balancer'), host: config.host, port: config.port, gateways: gatewayPorts, restart: defaultRestartPolicy }, supervisor);
      say(`[stack] HAProxy on ${url} in front of gateways on ${gatewayPorts.map((p) => `${config.host}:${p}`).join(', ')}`);
    }
  }
  return {
    topology: config.topology,
    brokers,
    kafkaSecurity,
    securityOf,
    url,
    gatewayUrls: gatewayPorts.map((p) => `http://${config.host}:${p}`),
    admin,
    opsToken,
    flinkRestUrl,
    restarts: () => supervisor.restartCounts(),
    signal: (name, signal) => supervisor.signal(name, signal),
    stop: async () => {
      for (const stop of stops) await stop();
      await supervisor.stopAll();
      const restarts = Object.entries(supervisor.restartCounts());
      if (restarts.length) say(`[stack] restarted during this run: ${restarts.map(([name, n]) => `${name} ${n}×`).join(', ')}`);
    },
  };
}

/** The cluster's id, made on its first start and read back from node 1's storage after that. */
function kafkaClusterId(home: string): string {
  const meta = join(home, 'kafka-1', 'data', 'meta.properties');
  if (existsSync(meta)) {
    const id = /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1];
    if (id) return id.trim();
  }
  return randomUUID();
}
