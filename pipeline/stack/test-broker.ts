import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { topics } from '../../lib/topics';
import { freePorts } from './free-ports';
import { ensureTopics, waitForCluster } from './kafka-admin';
import { startBroker } from './kafka-broker';
import { resolveClasspath } from './maven';
import { Supervisor } from './supervisor';

/**
 * A broker of a test's own (topics created), in a throw-away directory: for tests that break
 * it, or break what is in front of it. `advertisedPort` puts something (a fault proxy) there.
 * kill() ends it with SIGKILL, as a crash would; restart() starts it again on the same data
 * and ports.
 */
export async function startTestBroker(options: { port?: number; advertisedPort?: number } = {}) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const home = mkdtempSync(join(tmpdir(), 'streamwatch-test-broker-'));
  const quiet = (): void => undefined;
  const [port, controllerPort] = options.port ? [options.port, (await freePorts(1))[0]!] : await freePorts(2);
  const classpath = await resolveClasspath({ label: 'Kafka', dir: join(root, 'pipeline/stack/kafka'), cacheDir: join(root, '.streamwatch/build/kafka') }, quiet);
  const brokers = [`127.0.0.1:${options.advertisedPort ?? port}`];
  let supervisor = new Supervisor(quiet, quiet);
  const boot = async () => {
    const broker = await startBroker({ classpath, dataDir: home, host: '127.0.0.1', port: port!, controllerPort: controllerPort!, heap: '512m', advertisedPort: options.advertisedPort }, supervisor);
    await waitForCluster(brokers, 60_000, 'test broker');
    return broker;
  };
  let current = await boot();
  await ensureTopics(brokers, quiet);
  await leadersElected(brokers);
  return {
    brokers,
    async kill(): Promise<void> {
      current.process.kill('SIGKILL');
      await current.exited;
    },
    async restart(): Promise<void> {
      supervisor = new Supervisor(quiet, quiet);
      current = await boot();
      await leadersElected(brokers);
    },
    async stop(): Promise<void> {
      await supervisor.stopAll();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** New topics answer "not the leader" for a moment; readers that start at once would fail on it. */
async function leadersElected(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'test-broker', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        for (const t of Object.values(topics)) await admin.fetchTopicOffsets(t.name);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
