import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A sha256 over the paths and contents of `entries` (files, or folders walked in name order)
 * below `root`; what a build depends on, so that an unchanged tree skips the build.
 * `skip` leaves out files that cannot change the build (tests, say).
 */
export function hashSources(root: string, entries: readonly string[], skip: (path: string) => boolean = () => false): string {
  const h = createHash('sha256');
  const add = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) add(join(p, name));
      return;
    }
    const rel = relative(root, p);
    if (!skip(rel)) h.update(`${rel}\n`).update(readFileSync(p));
  };
  for (const e of entries) add(join(root, e));
  return h.digest('hex');
}
