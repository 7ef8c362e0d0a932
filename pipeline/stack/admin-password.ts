import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The local stack's first admin password: STREAMWATCH_ADMIN_PASSWORD when set, else one made
 * on the first run and kept (mode 600) next to the stack's data, so that it can be printed
 * with the dashboard address every time and the warm-up can sign in.
 */
export async function stackAdminPassword(fromEnv: string | undefined, file: string): Promise<string> {
  return keptSecret(fromEnv, file, 12);
}

/** A value from the environment, else the one kept in `file`, else `bytes` random bytes made now and kept there (mode 600). */
export async function keptSecret(fromEnv: string | undefined, file: string, bytes: number): Promise<string> {
  if (fromEnv) return fromEnv;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const made = randomBytes(bytes).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${made}\n`, { mode: 0o600 });
  return made;
}
