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
  /** Started again when it dies on its own, instead of the stack being told (see RestartPolicy). */
  readonly restart?: RestartPolicy;
  /** Arguments of a restart, when they differ from the first start's (Flink restores its jobs). */
  readonly restartArgs?: readonly string[];
}

/**
 * A child that dies is started again after a delay that doubles from `initialDelayMs` up to
 * `maxDelayMs`. One that lived `healthyAfterMs` starts the count afresh; after `maxQuickDeaths`
 * deaths in a row, each sooner than that, it is left dead and the stack is told.
 */
export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly healthyAfterMs: number;
  readonly maxQuickDeaths: number;
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, healthyAfterMs: 60_000, maxQuickDeaths: 6 };

export interface Supervised {
  readonly name: string;
  readonly stopLast?: boolean;
  /** The running process (a restart replaces it). */
  readonly process: ChildProcess;
  /** Resolves when the child is gone for good: stopped, or dead and not restarted. */
  readonly exited: Promise<number | null>;
  /** How often it was started again after dying. */
  readonly restarts: number;
}

interface Entry {
  readonly spec: ChildSpec;
  process: ChildProcess;
  restarts: number;
  quickDeaths: number;
  pendingRestart: NodeJS.Timeout | null;
  finish: (code: number | null) => void;
}

export type Say = (line: string) => void;

/**
 * Supervisors not yet stopped: one exit listener for all of them, so that a process starting
 * many (a test run) neither piles up listeners nor keeps stopped supervisors reachable.
 */
const live = new Set<Supervisor>();
process.once('exit', () => live.forEach((s) => s.killAllNow()));

/**
 * Starts and stops the stack's child processes. Output is prefixed and logged to a file; a
 * child that dies unexpectedly is started again when its spec has a restart policy, else (or
 * once it keeps dying) the stack is told; stopAll() ends every child (TERM, then KILL after a
 * grace period) so that no java or node process outlives the stack.
 */
export class Supervisor {
  private readonly children: (Supervised & { entry: Entry })[] = [];
  private stopping = false;

  constructor(
    private readonly say: Say,
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
  ) {
    live.add(this);
  }

  /** Last resort when this process exits without having stopped its children. */
  killAllNow(): void {
    for (const c of this.children) if (c.process.exitCode === null && c.process.signalCode === null) signalGroup(c.process, 'SIGKILL');
  }

  start(spec: ChildSpec): Supervised {
    let finish: (code: number | null) => void = () => undefined;
    const exited = new Promise<number | null>((resolve) => (finish = resolve));
    const entry: Entry = { spec, process: null as unknown as ChildProcess, restarts: 0, quickDeaths: 0, pendingRestart: null, finish };
    this.launch(entry, spec.args);
    const supervised: Supervised & { entry: Entry } = {
      name: spec.name,
      stopLast: spec.stopLast ?? false,
      exited,
      entry,
      get process() {
        return entry.process;
      },
      get restarts() {
        return entry.restarts;
      },
    };
    this.children.push(supervised);
    return supervised;
  }

  /**
   * Sends `signal` to the named child's process group, as an operator's kill would (fault tests
   * crash one part this way); the child is restarted as after any death. Its pid, or null when
   * no child of that name is running.
   */
  signal(name: string, signal: NodeJS.Signals): number | null {
    const child = this.children.find((c) => c.name === name)?.process;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return null;
    signalGroup(child, signal);
    return child.pid;
  }

  /** How often each child was restarted, by name (children never restarted are left out). */
  restartCounts(): Record<string, number> {
    return Object.fromEntries(this.children.filter((c) => c.restarts > 0).map((c) => [c.name, c.restarts]));
  }

  private launch(entry: Entry, args: readonly string[]): void {
    const { spec } = entry;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const log = createWriteStream(spec.logFile, { flags: 'a' });
    const startedAt = Date.now();
    const child = spawn(spec.command, args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches only the stack, which then stops the
      // children in order instead of racing them.
      detached: true,
    });
    entry.process = child;
    this.pipe(child, spec, log);
    let done = false;
    const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      if (this.stopping) return entry.finish(code);
      const reported = code ?? (signal ? 128 : null);
      const delay = spec.restart ? this.restartDelay(entry, Date.now() - startedAt) : null;
      if (delay === null) {
        this.onUnexpectedExit(spec.name, reported);
        return entry.finish(code);
      }
      entry.restarts++;
      this.say(`[stack] ${spec.name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); starting it again in ${(delay / 1000).toFixed(0)} s (restart ${entry.restarts})`);
      entry.pendingRestart = setTimeout(() => {
        entry.pendingRestart = null;
        if (this.stopping) return entry.finish(code);
        this.launch(entry, spec.restartArgs ?? spec.args);
      }, delay);
    };
    child.once('error', (err) => {
      this.say(`[${spec.name}] could not start ${spec.command}: ${err.message}`);
      log.end(() => ended(null, null));
    });
    child.once('exit', (code, signal) => {
      // 'exit' can come before the last output lines are read: let the pipes drain (a
      // grandchild may hold them open, so not for long) and the log file flush first.
      void drained(child, 2000).then(() => {
        log.end(() => ended(code, signal));
      });
    });
  }

  /** How long to wait before starting a dead child again, or null to leave it dead. */
  private restartDelay(entry: Entry, livedMs: number): number | null {
    const policy = entry.spec.restart!;
    entry.quickDeaths = livedMs >= policy.healthyAfterMs ? 1 : entry.quickDeaths + 1;
    if (entry.quickDeaths > policy.maxQuickDeaths) {
      this.say(`[stack] ${entry.spec.name} died ${entry.quickDeaths} times in a row, each within ${policy.healthyAfterMs / 1000} s of starting; not starting it again`);
      return null;
    }
    return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (entry.quickDeaths - 1));
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const c of this.children) {
      if (c.entry.pendingRestart) {
        clearTimeout(c.entry.pendingRestart);
        c.entry.pendingRestart = null;
        c.entry.finish(null);
      }
    }
    const running = this.children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    // The broker's clients first (Flink aborts its open transactions on the way out), then the broker.
    await this.stopGroup(running.filter((c) => !c.stopLast), graceMs);
    await this.stopGroup(running.filter((c) => c.stopLast), graceMs);
    live.delete(this);
  }

  private async stopGroup(running: Supervised[], graceMs: number): Promise<void> {
    for (const child of [...running].reverse()) signalGroup(child.process, 'SIGTERM');
    const killer = setTimeout(() => {
      for (const child of running) {
        if (child.process.exitCode === null && child.process.signalCode === null) {
          this.say(`[${child.name}] did not stop within ${graceMs / 1000} s; killing it`);
          signalGroup(child.process, 'SIGKILL');
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

/**
 * Signals a child and everything it started: each child leads its own process group, so a
 * gateway's page server or a tsx helper goes with it rather than outliving the stack.
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) return void process.kill(-child.pid, signal);
  } catch {
    // the group is gone already, or the child never led one
  }
  child.kill(signal);
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
