import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecret } from './secrets';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamwatch-secrets-'));
  dirs.push(dir);
  return join(dir, 'state', 'auth-secret');
};

describe('loadSecret', () => {
  it('prefers the environment', async () => {
    expect(await loadSecret('from-env', fresh(), 'AUTH_SECRET')).toBe('from-env');
  });

  it('makes a secret once, keeps it owner-only, and gives it back on the next start', async () => {
    const file = fresh();
    const made = await loadSecret(undefined, file, 'AUTH_SECRET');
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadSecret(undefined, file, 'AUTH_SECRET')).toBe(made);
  });

  it('gives gateway processes starting together on one state directory one secret, and none a half-written file', async () => {
    const module = fileURLToPath(new URL('./secrets.ts', import.meta.url));
    const file = fresh();
    // Each process waits for the same instant, then loads the secret (the cluster's two gateways did; one read an empty file).
    const at = Date.now() + 1500;
    const script = `import { loadSecret } from ${JSON.stringify(module)}; while (Date.now() < ${at}); console.log(await loadSecret(undefined, ${JSON.stringify(file)}, 'AUTH_SECRET'));`;
    const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]).then((r) => r.stdout.trim());
    const secrets = await Promise.all(Array.from({ length: 6 }, run));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]!.length).toBeGreaterThanOrEqual(32);
  }, 30_000);
});
