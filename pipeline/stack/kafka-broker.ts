import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jaasConfig, jaasQuoted } from '../../lib/kafka-auth';
import { StackError } from './preflight';
import type { Supervised, Supervisor, RestartPolicy } from './supervisor';

const run = promisify(execFile);

export interface BrokerOptions {
  readonly classpath: string[];
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly heap: string;
  /** The port clients are told to use, when something (a fault proxy) stands in front of the broker. */
  readonly advertisedPort?: number;
  /** Started again when it dies on its own (the stack's broker; a test's broker is not). */
  readonly restart?: RestartPolicy;
  /**
   * A node of a multi-node cluster: its id, and every node's controller port (each node is a
   * broker and a controller voter, KRaft combined mode). Every node of one cluster gets the same
   * clusterId. Without it: a single node.
   */
  readonly cluster?: { readonly nodeId: number; readonly controllerPorts: readonly number[]; readonly clusterId: string };
  /** Process name in the stack's output; 'kafka' by default. */
  readonly name?: string;
  /**
   * Authentication and authorization (the local stack's, on by default): clients on SCRAM-SHA-512
   * with these users (made when the storage is formatted), ACLs enforced by StandardAuthorizer,
   * the nodes among themselves as `admin` (client listener) and `controller` (controller listener,
   * PLAIN). Without it: PLAINTEXT, no authorizer (tests' own brokers).
   */
  readonly auth?: BrokerAuth;
}

export interface BrokerAuth {
  readonly admin: { readonly name: string; readonly password: string };
  readonly controller: { readonly name: string; readonly password: string };
  /** Every SCRAM user, the admin included. */
  readonly users: readonly { readonly name: string; readonly password: string }[];
}

/** How long a killed broker goes unnoticed: the controller fences it after this, moving its leaderships away. */
export const BROKER_SESSION_TIMEOUT_MS = 6000;

/**
 * A single-node Kafka in KRaft combined mode (broker + controller). Storage is formatted
 * once; later starts reuse the data directory and everything in it.
 */
export async function startBroker(options: BrokerOptions, supervisor: Supervisor): Promise<Supervised> {
  const configFile = join(options.dataDir, 'server.properties');
  const logDir = join(options.dataDir, 'data');
  mkdirSync(options.dataDir, { recursive: true });
  // Holds the nodes' own passwords when auth is on: readable by this user only.
  writeFileSync(configFile, serverProperties(options, logDir), { mode: 0o600 });
  chmodSync(configFile, 0o600);
  const cp = options.classpath.join(':');
  if (!existsSync(join(logDir, 'meta.properties'))) {
    // SCRAM users go into the metadata log's bootstrap records: the nodes need the admin's to
    // talk to each other before anyone could add it.
    const scram = (options.auth?.users ?? []).flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`]);
    try {
      await run('java', ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', options.cluster?.clusterId ?? randomUUID(), '-c', configFile, ...scram]);
    } catch (err) {
      // The error would quote the command line, passwords and all.
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n').slice(-3).join(' ');
      throw new StackError(`Formatting Kafka storage in ${logDir} failed: ${stderr || 'see above'}`);
    }
  }
  const log4jFile = join(options.dataDir, 'log4j2.properties');
  writeFileSync(log4jFile, brokerLog4j(options.dataDir));
  return supervisor.start({
    name: options.name ?? 'kafka',
    stopLast: true,
    restart: options.restart,
    command: 'java',
    args: [
      `-Xms256m`,
      `-Xmx${options.heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4jFile}`,
      '-cp',
      cp,
      'kafka.Kafka',
      configFile,
    ],
    logFile: join(options.dataDir, 'broker.log'),
  });
}

/**
 * The broker's logging: errors on stdout (the stack shows them and keeps them in broker.log), and
 * what a failover is made of in `state-changes.log` beside it: the controller fencing and
 * unfencing nodes and electing leaders, the raft quorum electing the active controller, each
 * partition's in-sync replicas shrinking and growing, a restarted node's lifecycle. Rolled at
 * 10 MiB, two kept: a stack running for weeks keeps the latest.
 */
export function brokerLog4j(dataDir: string): string {
  const loggers: Record<string, string> = {
    partition: 'kafka.cluster.Partition',
    controller: 'org.apache.kafka.controller',
    raft: 'org.apache.kafka.raft.KafkaRaftClient',
    lifecycle: 'kafka.server.BrokerLifecycleManager',
  };
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.filter.threshold.type = ThresholdFilter',
    'appender.out.filter.threshold.level = error',
    'appender.out.layout.type = PatternLayout',
    "appender.out.layout.pattern = %d{yyyy-MM-dd'T'HH:mm:ss.SSS}{UTC}Z %t %p %m%n",
    'appender.state.type = RollingFile',
    'appender.state.name = STATE',
    `appender.state.fileName = ${join(dataDir, 'state-changes.log')}`,
    `appender.state.filePattern = ${join(dataDir, 'state-changes.log.%i')}`,
    'appender.state.layout.type = PatternLayout',
    "appender.state.layout.pattern = %d{yyyy-MM-dd'T'HH:mm:ss.SSS}{UTC}Z %p %c{1} %m%n",
    'appender.state.policies.type = Policies',
    'appender.state.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.state.policies.size.size = 10MB',
    'appender.state.strategy.type = DefaultRolloverStrategy',
    'appender.state.strategy.max = 2',
    'rootLogger.level = error',
    'rootLogger.appenderRef.out.ref = OUT',
    ...Object.entries(loggers).flatMap(([id, name]) => [`logger.${id}.name = ${name}`, `logger.${id}.level = info`, `logger.${id}.appenderRef.state.ref = STATE`]),
    '',
  ].join('\n');
}

function serverProperties(o: BrokerOptions, logDir: string): string {
  const nodeId = o.cluster?.nodeId ?? 1;
  const voters = o.cluster ? o.cluster.controllerPorts.map((port, i) => `${i + 1}@${o.host}:${port}`) : [`1@${o.host}:${o.controllerPort}`];
  // Internal topics as durable as the catalog's: on three nodes, each on all three and written to two.
  const replicas = Math.min(3, voters.length);
  const minIsr = Math.min(2, replicas);
  return [
    '# Written by the Streamwatch stack on every start; edit pipeline/stack/kafka-broker.ts instead.',
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters.join(',')}`,
    ...listenerProperties(o),
    `log.dirs=${logDir}`,
    // Topics come from the catalog; a typo in a topic name must fail, not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minIsr}`,
    // Never elect a replica that missed acknowledged writes: losing a leader costs seconds, not records.
    'unclean.leader.election.enable=false',
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=4',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minIsr}`,
    'transaction.state.log.num.partitions=4',
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    // A SIGKILLed node is fenced (leaderships moved, dropped from every ISR) after this long
    // without a heartbeat; clients find the new leaders on their next metadata refresh, which
    // a NOT_LEADER or connection error triggers at once.
    `broker.session.timeout.ms=${BROKER_SESSION_TIMEOUT_MS}`,
    'broker.heartbeat.interval.ms=1500',
    'group.initial.rebalance.delay.ms=0',
    // Two cores: a few threads are plenty.
    'num.network.threads=2',
    'num.io.threads=4',
    'log.cleaner.threads=1',
    // Compaction shares two cores with Flink and the gateway: throttled, it spreads its I/O out
    // instead of stalling the pipeline; a 16 MiB dedupe map holds far more keys than a fleet has.
    'log.cleaner.io.max.bytes.per.second=10485760',
    'log.cleaner.dedupe.buffer.size=16777216',
    'log.retention.check.interval.ms=60000',
    '',
  ].join('\n');
}

function listenerProperties(o: BrokerOptions): string[] {
  // Nothing unauthenticated when auth is on: clients and replication on SCRAM, the controller
  // quorum on PLAIN (SCRAM users live in the metadata the controllers themselves serve).
  const client = o.auth ? 'CLIENT' : 'PLAINTEXT';
  const protocol = o.auth ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
  const listeners = [
    `listeners=${client}://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    `advertised.listeners=${client}://${o.host}:${o.advertisedPort ?? o.port}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=${client}:${protocol},CONTROLLER:${protocol}`,
    `inter.broker.listener.name=${client}`,
  ];
  if (!o.auth) return listeners;
  const { admin, controller } = o.auth;
  const plain = { mechanism: 'PLAIN', username: controller.name, password: controller.password } as const;
  return [
    ...listeners,
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512',
    `listener.name.client.scram-sha-512.sasl.jaas.config=${jaasConfig({ mechanism: 'SCRAM-SHA-512', username: admin.name, password: admin.password })}`,
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    // A PLAIN listener checks logins against its own user_<name> entries.
    `listener.name.controller.plain.sasl.jaas.config=${jaasConfig(plain, ` user_${controller.name}="${jaasQuoted(controller.password)}"`)}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${admin.name};User:${controller.name}`,
    // What no ACL allows is refused (Kafka's default, stated).
    'allow.everyone.if.no.acl.found=false',
  ];
}
