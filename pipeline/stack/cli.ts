import { fileURLToPath } from 'node:url';
import { StackError } from './preflight';
import { startStack, type RunningStack } from './stack';
import { loadStackConfig } from './stack-config';
import { waitForLiveData } from './wait-for-data';

const root = fileURLToPath(new URL('../..', import.meta.url));
const started = Date.now();
const say = (line: string): void => console.log(line);
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let stack: RunningStack | null = null;
let stopping = false;

async function shutdown(code: number, why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A second Ctrl-C must not leave the children running: exiting kills them (Supervisor's exit hook).
  const now = (signal: string): void => {
    say(`[stack] ${signal} again; killing everything now`);
    process.exit(1);
  };
  process.on('SIGINT', () => now('SIGINT'));
  process.on('SIGTERM', () => now('SIGTERM'));
  say(`[stack] ${why}; stopping everything...`);
  await stack?.stop();
  say('[stack] stopped');
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(0, 'interrupted'));
process.once('SIGTERM', () => void shutdown(0, 'terminated'));

try {
  const config = loadStackConfig(process.env, root);
  stack = await startStack(config, say, undefined, (reason) => void shutdown(1, reason));
  // Each gateway caught up and serving live data (in the cluster topology, both behind the balancer).
  let live = await waitForLiveData(stack.gatewayUrls[0]!, say, 300_000, () => stopping, stack.admin, stack.opsToken);
  for (const url of stack.gatewayUrls.slice(1)) live = await waitForLiveData(url, say, 300_000, () => stopping, stack.admin, stack.opsToken);
  say('');
  say(`  Streamwatch is live: ${stack.url}   (${live.drivers.toLocaleString('en-US')} drivers, up in ${elapsed()})`);
  say(`  Sign in as ${stack.admin.name} / ${stack.admin.password}   (${stack.admin.passwordFile ? `kept in ${stack.admin.passwordFile}; STREAMWATCH_ADMIN_PASSWORD chooses it on a fresh stack` : 'from STREAMWATCH_ADMIN_PASSWORD'})`);
  if (stack.topology === 'cluster') say(`  Cluster topology: HAProxy on ${stack.url} in front of gateways ${stack.gatewayUrls.join(', ')}; Flink session cluster (JobManager + 2 TaskManagers)`);
  say(`  Kafka: ${stack.brokers.join(',')}   Flink: ${stack.flinkRestUrl ?? 'not started here'}   data and logs: ${config.home}`);
  say('  Ctrl-C stops everything');
  say('');
} catch (err) {
  const message = err instanceof StackError ? err.message : `${(err as Error).message}`;
  console.error(`\nstreamwatch: ${message}\n`);
  await shutdown(1, 'start-up failed');
}
