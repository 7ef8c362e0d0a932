import type { TestProject } from 'vitest/node';
import { startTestBroker } from './test-broker';

/**
 * A real broker for the fault suite's files that do not break it themselves (they break a
 * Flink JVM, a gateway, a client) and share it; files that break the broker start their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const broker = await startTestBroker();
  project.provide('brokers', broker.brokers.join(','));
  return () => broker.stop();
}
