import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testAccessEnv } from './credentials';
import { until } from './until';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The process's resident memory now (bytes), from /proc. */
  rss(): number;
}

/**
 * A gateway as its own process, as `npm run gateway` runs it, with the test secrets and no
 * pages; ready once its /readyz says so. `env` names its brokers and whatever else the test tunes.
 */
export async function spawnGateway(name: string, port: number, env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: { ...process.env, ...testAccessEnv(), PORT: String(port), SERVE_UI: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await until(
    `gateway ${name} ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway ${name} exited with code ${child.exitCode}`);
      return fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    },
    90_000,
  );
  return {
    url,
    child,
    rss: () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024,
  };
}
