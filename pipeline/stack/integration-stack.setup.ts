import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { KafkaSecurity } from '../../lib/kafka-auth';
import { freePorts } from './free-ports';
import { startStack } from './stack';
import { loadStackConfig } from './stack-config';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers of the real broker the integration tests share. */
    brokers: string;
    /** Data directory of that stack; its processes name it on their command lines. */
    stackHome: string;
    /** REST API of that stack's Flink mini-cluster. */
    flinkRestUrl: string;
    /** How tests connect (the superuser) and how a gateway of theirs does (its principal); PLAINTEXT on the fault suite's broker. */
    kafkaAuth: { admin: KafkaSecurity; gateway: KafkaSecurity };
  }
}

/**
 * Starts a real single-node Kafka and the Flink jobs in a mini-cluster, on free ports and in
 * a throw-away data directory, once for the integration run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const home = mkdtempSync(join(tmpdir(), 'streamwatch-it-'));
  const [kafkaPort, controllerPort] = await freePorts(2);
  const config = loadStackConfig(
    { STREAMWATCH_HOME: home, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(controllerPort), FLINK_PARALLELISM: '2' },
    root,
  );
  const say = (line: string): void => console.log(line);
  const stack = await startStack(config, say, { broker: true, flink: true, simulator: false, gateway: false }, (reason) =>
    console.error(`[integration] ${reason}`),
  );
  project.provide('brokers', stack.brokers.join(','));
  project.provide('stackHome', home);
  project.provide('flinkRestUrl', stack.flinkRestUrl ?? '');
  project.provide('kafkaAuth', { admin: stack.kafkaSecurity, gateway: stack.securityOf('gateway') });
  return async () => {
    await stack.stop();
    rmSync(home, { recursive: true, force: true });
  };
}
