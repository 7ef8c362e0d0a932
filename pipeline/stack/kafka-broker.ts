import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
}

/**
 * A single-node Kafka in KRaft combined mode (broker + controller). Storage is formatted
 * once; later starts reuse the data directory and everything in it.
 */
export async function startBroker(options: BrokerOptions, supervisor: Supervisor): Promise<Supervised> {
  const configFile = join(options.dataDir, 'server.properties');
  const logDir = join(options.dataDir, 'data');
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(configFile, serverProperties(options, logDir));
  const cp = options.classpath.join(':');
  if (!existsSync(join(logDir, 'meta.properties'))) {
    try {
      await run('java', ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', randomUUID(), '-c', configFile]);
    } catch (err) {
      throw new StackError(`Formatting Kafka storage in ${logDir} failed: ${(err as Error).message}`);
    }
  }
  return supervisor.start({
    name: 'kafka',
    stopLast: true,
    restart: options.restart,
    command: 'java',
    args: [
      `-Xms256m`,
      `-Xmx${options.heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      '-cp',
      cp,
      'kafka.Kafka',
      configFile,
    ],
    logFile: join(options.dataDir, 'broker.log'),
    // The broker's own log4j default prints only errors; show those.
  });
}

function serverProperties(o: BrokerOptions, logDir: string): string {
  return [
    '# Written by the Streamwatch stack on every start; edit pipeline/stack/kafka-broker.ts instead.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${o.host}:${o.controllerPort}`,
    `listeners=PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${o.host}:${o.advertisedPort ?? o.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    // Topics come from the catalog; a typo in a topic name must fail, not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
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
