import type { LagHistoryPoint } from '../schemas/lag-history-point';
import type { LagReport } from './lag-report';

export interface LagPoint {
  /** Poll time (epoch ms). */
  readonly at: number;
  readonly lag: number;
  /** Largest time lag over the group's partitions (ms), null when unknown. */
  readonly timeLagMs: number | null;
}

/** Total lag per consumer group over the last `maxPoints` reports, for trend charts. */
export type LagHistory = ReadonlyMap<string, readonly LagPoint[]>;

/**
 * Adds a report to the history: one point per group, the oldest dropped past `maxPoints`.
 * Groups missing from the report keep their points (a group can vanish for a poll).
 * A report not newer than the last one seen for a group adds nothing for it.
 */
export function appendLagReport(history: LagHistory, report: LagReport, maxPoints: number): LagHistory {
  const next = new Map(history);
  for (const g of report.groups) {
    const points = next.get(g.groupId) ?? [];
    if (points.length > 0 && points.at(-1)!.at >= report.at) continue;
    next.set(g.groupId, [...points, { at: report.at, lag: g.totalLag, timeLagMs: g.maxTimeLagMs }].slice(-maxPoints));
  }
  return next;
}

/** The persisted history's resolution: one point per group and minute (lag.history). */
export const LAG_HISTORY_MINUTE_MS = 60_000;
/** How far back the trend goes. */
export const LAG_HISTORY_SPAN_MS = 24 * 3_600_000;
/** The resolution sent to a browser: 288 points a group for 24 hours, for a sparkline a hundred-odd pixels wide. */
export const LAG_HISTORY_WIRE_STEP_MS = 5 * LAG_HISTORY_MINUTE_MS;

/** The persisted trend as a browser gets it on subscribe: per group, oldest first. */
export interface LagHistorySnapshot {
  readonly groups: readonly { readonly groupId: string; readonly points: readonly LagPoint[] }[];
}

/** A minute's point for one group: lag.history's record. */
export type MinutePoint = LagHistoryPoint;

/** lag.history's record key: one per group and minute, the same on every gateway. */
export function lagHistoryKey(point: { readonly groupId: string; readonly at: number }): string {
  return `${point.groupId}@${point.at}`;
}

const minuteOf = (at: number): number => Math.floor(at / LAG_HISTORY_MINUTE_MS) * LAG_HISTORY_MINUTE_MS;
const maxOrNull = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Folds a report into each group's minute in progress (its largest lag and time lag so far).
 * Returns the minutes the report closed (a group's minute ends when a report of a later minute
 * arrives, or the group is missing from it): those are written to lag.history.
 */
export function foldIntoMinutes(open: ReadonlyMap<string, MinutePoint>, report: LagReport): { open: Map<string, MinutePoint>; closed: MinutePoint[] } {
  const minute = minuteOf(report.at);
  const next = new Map<string, MinutePoint>();
  const closed: MinutePoint[] = [];
  for (const point of open.values()) if (point.at < minute) closed.push(point);
  for (const g of report.groups) {
    const current = open.get(g.groupId);
    next.set(
      g.groupId,
      current && current.at === minute
        ? { ...current, lag: Math.max(current.lag, g.totalLag), timeLagMs: maxOrNull(current.timeLagMs, g.maxTimeLagMs) }
        : { groupId: g.groupId, at: minute, lag: g.totalLag, timeLagMs: g.maxTimeLagMs },
    );
  }
  // A group missing from this report keeps a minute not yet over.
  for (const [groupId, point] of open) if (point.at >= minute && !next.has(groupId)) next.set(groupId, point);
  return { open: next, closed };
}

/** Points coarsened to `stepMs`: the largest lag and time lag of each step, at the step's start. */
export function coarsen(points: readonly LagPoint[], stepMs: number): LagPoint[] {
  const out: LagPoint[] = [];
  for (const p of points) {
    const at = Math.floor(p.at / stepMs) * stepMs;
    const last = out.at(-1);
    if (last && last.at === at) out[out.length - 1] = { at, lag: Math.max(last.lag, p.lag), timeLagMs: maxOrNull(last.timeLagMs, p.timeLagMs) };
    else out.push({ at, lag: p.lag, timeLagMs: p.timeLagMs });
  }
  return out;
}

/**
 * A group's trend for the chart: the persisted history up to where the live points begin, then
 * the live points (finer, and the minute in progress that lag.history does not hold yet).
 */
export function trendOf(persisted: readonly LagPoint[] | undefined, live: readonly LagPoint[] | undefined): readonly LagPoint[] {
  if (!persisted?.length) return live ?? [];
  if (!live?.length) return persisted;
  const from = live[0]!.at;
  return [...persisted.filter((p) => p.at < from), ...live];
}
