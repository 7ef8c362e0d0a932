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
