import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { passThrough } from './pass-through';

/**
 * Development only: Next's dev server (hot reload) in a process of its own on a loopback port,
 * and the gateway passing page requests and its hot-reload socket through to it.
 *
 * Why not in the gateway's process, as production serves its build: React's development server
 * renderer installs a process-wide async_hooks hook that records every promise for its debug
 * tooling, linked to the promise that awaited it. In the gateway, whose Kafka loops await for
 * ever, those chains never end: the process grew ~120 MB a minute (docs/development.md).
 */
export async function startDevPages(root: string, port: number, log: Logger) {
  const child = spawn(process.execPath, [`${root}/node_modules/next/dist/bin/next`, 'dev', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => log.info({ next: line }, 'next dev'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => log.warn({ code, signal }, 'next dev exited'));
  const target = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${target}/icon.svg`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
    if (up) break;
    if (child.exitCode !== null || tries > 300) throw new Error(`next dev did not start on ${target} (see the gateway log)`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log.info({ target }, 'next dev is serving pages behind the gateway');

  const { handle, upgrade } = passThrough(port, '/_next/', log);

  return {
    handle,
    upgrade,
    async close(): Promise<void> {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
