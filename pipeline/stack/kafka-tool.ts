import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaSecurity } from '../../lib/kafka-auth';
import { javaClientProperties } from './kafka-test-client';
import { resolveClasspath } from './maven';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Kafka jars the stack runs, as a Java classpath: for Kafka's own tools in tests. */
export async function kafkaClasspath(): Promise<string> {
  return (await resolveClasspath({ label: 'Kafka', dir: join(root, 'pipeline/stack/kafka'), cacheDir: join(root, '.streamwatch/build/kafka') }, () => undefined)).join(':');
}

/**
 * Runs one of Kafka's own command-line tools (the class behind kafka-acls.sh,
 * kafka-consumer-groups.sh, kafka-metadata-quorum.sh...) from the jars the stack runs, signed in
 * with `security` through a --command-config file: the tests' oracle for what the brokers say.
 * Resolves with what it printed on stdout; rejects with all it printed when it exits non-zero.
 */
export async function kafkaTool(mainClass: string, args: readonly string[], security: KafkaSecurity, configFlag = '--command-config'): Promise<string> {
  const classpath = await kafkaClasspath();
  const scratch = mkdtempSync(join(tmpdir(), 'streamwatch-kafka-tool-'));
  const config = join(scratch, 'client.properties');
  writeFileSync(config, javaClientProperties(security), { mode: 0o600 });
  try {
    return await new Promise<string>((resolve, reject) => {
      // The sign-in first: a tool with subcommands takes its global options before them.
      const cmd = spawn('java', ['-Xmx256m', '-cp', classpath, mainClass, configFlag, config, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      cmd.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      cmd.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      cmd.on('error', reject);
      cmd.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${mainClass.split('.').at(-1)} exited ${code}: ${(err + out).slice(-2000)}`))));
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The node leading the KRaft controller quorum (the active controller), as
 * kafka-metadata-quorum.sh describes it. Kafka's clients cannot tell: in KRaft a broker names a
 * random live broker as the "controller" in its metadata (kafkajs's describeCluster shows that).
 */
export async function activeController(bootstrap: string, security: KafkaSecurity): Promise<number> {
  const out = await kafkaTool('org.apache.kafka.tools.MetadataQuorumCommand', ['--bootstrap-server', bootstrap, 'describe', '--status'], security);
  const leader = /LeaderId:\s+(\d+)/.exec(out);
  if (!leader) throw new Error(`kafka-metadata-quorum named no leader: ${out.slice(0, 500)}`);
  return Number(leader[1]);
}
