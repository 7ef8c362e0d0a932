import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A secret from the environment, else from a file, else made once and kept in that file
 * (mode 600) so that sessions and tokens survive a restart. Several gateways behind one load
 * balancer must be given the same value (environment or shared file).
 */
export async function loadSecret(value: string | undefined, file: string, name: string): Promise<string> {
  if (value !== undefined) return value;
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (text.length < 32) throw new Error(`${name} in ${file} is shorter than 32 characters`);
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const made = randomBytes(32).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  // Written whole under a name of its own, then linked into place: link() fails if another
  // gateway got there first, and the file never exists half-written (a gateway starting
  // alongside read an empty one when it was created and then written).
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${made}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSecret(undefined, file, name);
    throw err;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  return made;
}
