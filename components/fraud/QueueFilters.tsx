'use client';

import { countByStatus, openAlerts, triageStatuses, type QueueFilter } from '../../lib/alert-queue';
import type { TriageStatus } from '../../lib/alert-workflow';
import { freshness, staleAfterMs } from '../../lib/freshness';
import { fraudRules } from '../../lib/schemas/fraud-alert';
import type { AlertFrame } from '../live/alert-store';
import { heartbeatStore, useNow } from '../live/use-latest';
import { FreshnessBadge } from '../panel/Panel';

const views: { label: string; statuses: readonly TriageStatus[] }[] = [
  { label: 'Open', statuses: openAlerts.statuses },
  ...triageStatuses.map((s) => ({ label: s[0]!.toUpperCase() + s.slice(1), statuses: [s] })),
  { label: 'All', statuses: [] },
];

/** The status tabs with their counts, the rule and score filters, and the feed's freshness. */
export function QueueFilters({ frame, filter, onChange }: { frame: AlertFrame | null; filter: QueueFilter; onChange: (f: QueueFilter) => void }) {
  const now = useNow(1000);
  // Alerts come when rules fire; between them the gateway's heartbeat says the feed is alive.
  const fresh = freshness(frame?.loaded ? heartbeatStore().receivedAt() : 0, null, now, staleAfterMs.alerts);
  const counts = frame ? countByStatus(frame.records) : null;
  const countOf = (statuses: readonly TriageStatus[]) =>
    counts ? (statuses.length === 0 ? triageStatuses : statuses).reduce((sum, s) => sum + counts[s], 0) : null;
  return (
    <div className="space-y-2 border-b border-edge p-3">
      <div role="tablist" aria-label="Triage status" className="flex flex-wrap gap-1 text-sm">
        {views.map((v) => {
          const active = v.statuses.join() === filter.statuses.join();
          return (
            <button
              key={v.label}
              role="tab"
              aria-selected={active}
              className={`rounded px-2 py-1 ${active ? 'bg-edge text-ink' : 'text-muted hover:text-ink'}`}
              onClick={() => onChange({ ...filter, statuses: v.statuses })}
              data-testid={`fraud.view.${v.label.toLowerCase()}`}
            >
              {v.label} <span className="tabular-nums text-muted">{countOf(v.statuses) ?? '…'}</span>
            </button>
          );
        })}
      </div>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-1 text-muted">
          Rule
          <select className="rounded border border-edge bg-surface px-1 py-0.5 text-ink" value={filter.rule} onChange={(e) => onChange({ ...filter, rule: e.target.value as QueueFilter['rule'] })} data-testid="fraud.filter.rule">
            <option value="all">all rules</option>
            {fraudRules.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1 text-muted">
          Score ≥
          <select className="rounded border border-edge bg-surface px-1 py-0.5 text-ink" value={filter.minScore} onChange={(e) => onChange({ ...filter, minScore: Number(e.target.value) })} data-testid="fraud.filter.score">
            {[0, 0.5, 0.7, 0.9].map((s) => (
              <option key={s} value={s}>
                {s.toFixed(1)}
              </option>
            ))}
          </select>
        </label>
        <span className="ml-auto">
          <FreshnessBadge freshness={fresh} testId="fraud.freshness" />
        </span>
      </div>
    </div>
  );
}
