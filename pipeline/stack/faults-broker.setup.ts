import type { TestProject } from 'vitest/node';
import { PLAINTEXT } from '../../lib/kafka-auth';
import { startTestBroker } from './test-broker';

/**
 * A real broker for the fault suite's files that do not break it themselves (they break a
 * Flink JVM, a gateway, a client) and share it; files that break the broker start their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const broker = await startTestBroker();
  project.provide('brokers', broker.brokers.join(','));
  project.provide('kafkaAuth', { admin: PLAINTEXT, gateway: PLAINTEXT });
  return () => broker.stop();
}
