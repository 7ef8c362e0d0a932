import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { kafkajsSecurity, kafkaSecurityEnv, type KafkaSecurity } from '../lib/kafka-auth';
import { freePorts } from '../pipeline/stack/free-ports';
import { startStack } from '../pipeline/stack/stack';
import { loadStackConfig } from '../pipeline/stack/stack-config';

/**
 * A benchmark's own Kafka broker (and with `flink`, the Flink jobs in a mini-cluster), on free
 * ports in a throw-away directory, and a client for it.
 */
export async function startBenchBroker(
  say: (line: string) => void,
  flink = false,
): Promise<{ brokers: string[]; kafka: Kafka; security: KafkaSecurity; gatewayEnv: Record<string, string>; checkpointIntervalMs: number; stop(): Promise<void> }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const home = mkdtempSync(join(tmpdir(), 'streamwatch-bench-'));
  const [kafkaPort, controllerPort] = await freePorts(2);
  const config = loadStackConfig({ STREAMWATCH_HOME: home, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(controllerPort) }, root);
  const stack = await startStack(
    config,
    say,
    { broker: true, flink, simulator: false, gateway: false },
  );
  return {
    brokers: stack.brokers,
    kafka: new Kafka({ clientId: 'bench', brokers: stack.brokers, ...kafkajsSecurity(stack.kafkaSecurity), logLevel: logLevel.NOTHING }),
    /** The superuser, for the benchmark's own clients and pipelines. */
    security: stack.kafkaSecurity,
    /** A gateway's principal, as the stack gives it to its own. */
    gatewayEnv: kafkaSecurityEnv(stack.securityOf('gateway')),
    checkpointIntervalMs: config.checkpointIntervalMs,
    async stop() {
      await stack.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
