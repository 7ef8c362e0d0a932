import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { StackError } from './preflight';
import { hashSources } from './source-hash';
import type { Say } from './supervisor';

/** What the production build of the pages is made from; tests never change it. */
export const NEXT_BUILD_INPUTS = ['app', 'components', 'lib', 'public', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json', 'patches'];
const isTest = (path: string): boolean => /\.test\.tsx?$/.test(path);

/** Kept inside the build folder, so that a deleted or foreign `.next` is never taken as current. */
const STAMP = 'streamwatch-sources.sha256';

export function nextBuildHash(root: string): string {
  return hashSources(root, NEXT_BUILD_INPUTS, isTest);
}

/** True when `.next` holds a production build of exactly these sources. */
export function nextBuildIsCurrent(root: string, hash = nextBuildHash(root)): boolean {
  const dir = join(root, '.next');
  return existsSync(join(dir, 'BUILD_ID')) && readIfExists(join(dir, STAMP)) === hash;
}

/**
 * Builds the Next app (`next build`) when its sources changed since the last build, so that a
 * second start serves the build it already has. Progress goes to `say`, the whole output to
 * `logFile`; a failed build stops the start with its last lines.
 */
export async function ensureNextBuild(root: string, logFile: string, say: Say): Promise<'reused' | 'built'> {
  const hash = nextBuildHash(root);
  if (nextBuildIsCurrent(root, hash)) return 'reused';
  const started = Date.now();
  say('[build] building the dashboard for production (next build; its sources changed or it was never built)...');
  // A stamp from an earlier build must not survive a build that fails half-way.
  rmSync(join(root, '.next', STAMP), { force: true });
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'w' });
  const tail: string[] = [];
  const child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > 30) tail.shift();
      // Next prints a step per line ("Compiling", "Collecting page data"...); those are progress.
      const step = stripVTControlCharacters(line).trim();
      if (/^[✓○▲⨯]|Creating|Compil|Collecting|Generating|Finaliz|Linting|Running TypeScript/.test(step)) say(`[build] ${step}`);
    });
  }
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', resolve);
  });
  await new Promise<void>((resolve) => log.end(resolve));
  if (code !== 0) {
    throw new StackError(
      `the production build of the dashboard failed (next build, exit ${code}).\n` +
        `  Last lines:\n    ${tail.slice(-15).join('\n    ')}\n` +
        `  Whole output: ${logFile}. Fix the error, or run \`npm run dev\` to work on it with hot reload.`,
    );
  }
  writeFileSync(join(root, '.next', STAMP), hash);
  say(`[build] built in ${((Date.now() - started) / 1000).toFixed(0)} s; later starts reuse it until app/, components/ or lib/ change`);
  return 'built';
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}
