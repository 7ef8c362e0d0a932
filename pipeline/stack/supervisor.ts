import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Every output line goes here. */
  readonly logFile: string;
  /** Which lines also reach the terminal (formatted); default: all. */
  readonly echo?: (line: string) => string | null;
  /** Stopped only after every other child has exited (the broker the others talk to). */
  readonly stopLast?: boolean;
}

export interface Supervised {
  readonly name: string;
  readonly stopLast?: boolean;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

export type Say = (line: string) => void;

/**
 * Starts and stops the stack's child processes. Output is prefixed and logged to a file; when
 * a child dies unexpectedly the stack is told, and stopAll() ends every child (TERM, then KILL
 * after a grace period) so that no java or node process outlives the stack.
 */
export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;

  constructor(
    private readonly say: Say,
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
  ) {
    // Last resort if the stack itself dies without stopping its children.
    process.once('exit', () => {
      for (const c of this.children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    });
  }

  start(spec: ChildSpec): Supervised {
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const log = createWriteStream(spec.logFile, { flags: 'a' });
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches only the stack, which then stops the
      // children in order instead of racing them.
      detached: true,
    });
    this.pipe(child, spec, log);
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', (err) => {
        this.say(`[${spec.name}] could not start ${spec.command}: ${err.message}`);
        resolve(null);
      });
      child.once('exit', (code, signal) => {
        // 'exit' can come before the last output lines are read: let the pipes drain (a
        // grandchild may hold them open, so not for long) and the log file flush first.
        void drained(child, 2000).then(() => {
          log.end(() => {
            if (!this.stopping) this.onUnexpectedExit(spec.name, code ?? (signal ? 128 : null));
            resolve(code);
          });
        });
      });
    });
    const supervised = { name: spec.name, process: child, exited, stopLast: spec.stopLast ?? false };
    this.children.push(supervised);
    return supervised;
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const running = this.children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    // The broker's clients first (Flink aborts its open transactions on the way out), then the broker.
    await this.stopGroup(running.filter((c) => !c.stopLast), graceMs);
    await this.stopGroup(running.filter((c) => c.stopLast), graceMs);
  }

  private async stopGroup(running: Supervised[], graceMs: number): Promise<void> {
    for (const child of [...running].reverse()) child.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const child of running) {
        if (child.process.exitCode === null && child.process.signalCode === null) {
          this.say(`[${child.name}] did not stop within ${graceMs / 1000} s; killing it`);
          child.process.kill('SIGKILL');
        }
      }
    }, graceMs);
    await Promise.all(running.map((c) => c.exited));
    clearTimeout(killer);
  }

  private pipe(child: ChildProcess, spec: ChildSpec, log: WriteStream): void {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        const shown = spec.echo ? spec.echo(line) : line;
        if (shown !== null) this.say(`[${spec.name}] ${shown}`);
      });
    }
  }
}

/** Resolves when the child's output pipes have ended, or after `capMs`. */
function drained(child: ChildProcess, capMs: number): Promise<void> {
  const ended = [child.stdout, child.stderr].filter((s) => s !== null && !s.readableEnded).map((s) => new Promise<void>((r) => s!.once('close', r)));
  return Promise.race([Promise.all(ended).then(() => undefined), new Promise<void>((r) => setTimeout(r, capMs).unref())]);
}

/** Shows pino JSON lines as "LEVEL msg key=value"; other lines as they are. */
export function formatPinoLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const { level, msg, time: _t, pid: _p, hostname: _h, name: _n, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const levelName = typeof level === 'number' ? (level >= 50 ? 'ERROR ' : level >= 40 ? 'WARN ' : '') : '';
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${levelName}${String(msg ?? '')}${fields ? ` ${fields}` : ''}`;
  } catch {
    return line;
  }
}
