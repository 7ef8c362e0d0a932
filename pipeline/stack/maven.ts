import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { StackError } from './preflight';
import { hashSources } from './source-hash';
import type { Say } from './supervisor';

/**
 * Runs Maven for the stack: resolves a module's runtime classpath (fetching jars from Maven
 * Central into the local Maven repository on the first run) and builds the Flink module.
 * Results are cached by a hash of the module's inputs, so a warm start runs no Maven at all.
 */

export interface MavenModule {
  /** Shown in progress lines. */
  readonly label: string;
  readonly dir: string;
  /** Where this module's cached results live. */
  readonly cacheDir: string;
}

export async function resolveClasspath(module: MavenModule, say: Say): Promise<string[]> {
  const hash = hashInputs(module.dir);
  const cpFile = join(module.cacheDir, 'classpath.txt');
  const hashFile = join(module.cacheDir, 'classpath.hash');
  if (existsSync(cpFile) && readIfExists(hashFile) === hash) {
    const entries = readFileSync(cpFile, 'utf8').trim().split(':');
    if (entries.every((e) => existsSync(e))) return entries;
  }
  mkdirSync(module.cacheDir, { recursive: true });
  say(`[maven] resolving ${module.label} jars (first run downloads them from Maven Central)...`);
  await runMaven(module, ['dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], say);
  writeFileSync(hashFile, hash);
  return readFileSync(cpFile, 'utf8').trim().split(':');
}

/** Builds the module's jar when its sources changed since the last build. */
export async function buildModule(module: MavenModule, say: Say): Promise<void> {
  const hash = hashInputs(module.dir);
  const hashFile = join(module.cacheDir, 'build.hash');
  if (readIfExists(hashFile) === hash && existsSync(join(module.dir, 'target', 'classes'))) return;
  mkdirSync(module.cacheDir, { recursive: true });
  say(`[maven] building ${module.label}...`);
  await runMaven(module, ['package', '-DskipTests'], say);
  writeFileSync(hashFile, hash);
}

async function runMaven(module: MavenModule, goals: string[], say: Say): Promise<void> {
  const tail: string[] = [];
  let downloaded = 0;
  let lastReport = Date.now();
  const child = spawn('mvn', ['-B', ...goals], { cwd: module.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.includes('Downloaded from')) {
        downloaded++;
        if (Date.now() - lastReport > 3000) {
          lastReport = Date.now();
          say(`[maven] ${module.label}: ${downloaded} files downloaded so far...`);
        }
      }
    });
  }
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new StackError(
      `Maven failed for ${module.label} (mvn ${goals.join(' ')} in ${module.dir}, exit ${code}).\n` +
        `  Last lines:\n    ${tail.slice(-15).join('\n    ')}\n` +
        '  Fix: check that Maven Central is reachable (a proxy goes in ~/.m2/settings.xml) and retry.',
    );
  }
  if (downloaded > 0) say(`[maven] ${module.label}: ${downloaded} files downloaded`);
}

/** Hash of pom.xml and the contents of everything under src/. */
function hashInputs(dir: string): string {
  return hashSources(dir, ['pom.xml', 'src']);
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}
