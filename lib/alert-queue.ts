import type { TriageStatus } from './alert-workflow';
import type { AlertRecord } from './protocol';
import type { fraudRules } from './schemas/fraud-alert';

export const triageStatuses: readonly TriageStatus[] = ['new', 'acknowledged', 'assigned', 'resolved'];

export interface QueueFilter {
  /** Statuses shown; empty shows every status. */
  readonly statuses: readonly TriageStatus[];
  readonly rule: (typeof fraudRules)[number] | 'all';
  /** Alerts scoring below this are hidden (0–1). */
  readonly minScore: number;
}

export const openAlerts: QueueFilter = { statuses: ['new', 'acknowledged', 'assigned'], rule: 'all', minScore: 0 };

const rank: Record<TriageStatus, number> = { new: 0, acknowledged: 1, assigned: 2, resolved: 3 };

/**
 * The triage queue: what needs a person first. Untouched alerts before ones in hand, resolved
 * last; within a status the highest score, then the newest detection.
 */
export function triageQueue(records: readonly AlertRecord[], filter: QueueFilter): AlertRecord[] {
  return records
    .filter(
      (r) =>
        (filter.statuses.length === 0 || filter.statuses.includes(r.triage.status)) &&
        (filter.rule === 'all' || r.alert.rule === filter.rule) &&
        r.alert.score >= filter.minScore,
    )
    .sort(
      (a, b) =>
        rank[a.triage.status] - rank[b.triage.status] || b.alert.score - a.alert.score || b.alert.detectedAt - a.alert.detectedAt || a.alert.alertId.localeCompare(b.alert.alertId),
    );
}

/** How many alerts are in each status, whatever the filter. */
export function countByStatus(records: readonly AlertRecord[]): Record<TriageStatus, number> {
  const counts: Record<TriageStatus, number> = { new: 0, acknowledged: 0, assigned: 0, resolved: 0 };
  for (const r of records) counts[r.triage.status]++;
  return counts;
}

/**
 * The alert to select after the queue changed: the same one if it is still listed, else the
 * one now at its former position (so triaging an alert moves on to the next), else none.
 */
export function nextSelection(queue: readonly AlertRecord[], selectedId: string | null, formerIndex: number): string | null {
  if (queue.length === 0) return null;
  if (selectedId && queue.some((r) => r.alert.alertId === selectedId)) return selectedId;
  return queue[Math.min(Math.max(formerIndex, 0), queue.length - 1)]!.alert.alertId;
}
