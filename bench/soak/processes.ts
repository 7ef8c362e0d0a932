import { readdirSync, readFileSync } from 'node:fs';

/** The stack's processes a soak watches, told apart by their command lines. */
export const watched = {
  gateway: /server\/index\.ts/,
  broker: /kafka\.Kafka\b/,
  flink: /SqlJobRunner/,
  simulator: /simulator\/cli\.ts/,
} as const;
export type Watched = keyof typeof watched;

export interface ProcessSample {
  readonly pid: number;
  readonly rssBytes: number;
  /** User + system CPU time so far, in clock ticks (100 a second on Linux). */
  readonly cpuTicks: number;
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
}

function readProc(pid: number): (Proc & { rssBytes: number; cpuTicks: number }) | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return {
      pid,
      ppid: Number(fields[1]),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '),
      rssBytes: rssPages * 4096,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return null; // gone meanwhile
  }
}

/** Every process below `root` (not `root` itself), read from /proc. */
export function descendants(root: number): (Proc & { rssBytes: number; cpuTicks: number })[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is NonNullable<typeof p> => p !== null);
  const below = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== root && below.has(p.pid));
}

/** The watched processes under the stack's pid (null for one not running at this moment). */
export function stackProcesses(stackPid: number): Record<Watched, ProcessSample | null> {
  const procs = descendants(stackPid);
  const find = (pattern: RegExp): ProcessSample | null => {
    // The node processes run under tsx's loader: take the one running the script, not a helper.
    const p = procs.find((x) => pattern.test(x.cmdline) && !x.cmdline.includes('esbuild'));
    return p ? { pid: p.pid, rssBytes: p.rssBytes, cpuTicks: p.cpuTicks } : null;
  };
  return { gateway: find(watched.gateway), broker: find(watched.broker), flink: find(watched.flink), simulator: find(watched.simulator) };
}

/** CPU ticks used so far by every process below `root` whose command line matches. */
export function cpuTicksBelow(root: number, pattern: RegExp): number {
  return descendants(root)
    .filter((p) => pattern.test(p.cmdline))
    .reduce((sum, p) => sum + p.cpuTicks, 0);
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}
