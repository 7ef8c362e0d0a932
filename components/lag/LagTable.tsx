'use client';

import { formatAge } from '../../lib/format-age';
import { describeForecast } from '../../lib/lag/catch-up-forecast';
import type { GroupLag } from '../../lib/lag/lag-report';
import type { LagStatus } from '../../lib/lag/partition-status';
import { statusSeverity } from '../../lib/lag/partition-status';
import { Line, LineChart, YAxis } from 'recharts';
import type { LagPoint } from '../../lib/lag/lag-history';
import { useLagHistory } from '../live/use-lag-history';
import { useLag } from '../live/use-latest';

const badge: Record<LagStatus, string> = {
  OK: 'bg-idle/20 text-idle',
  WARN: 'bg-en-route/20 text-en-route',
  REWIND: 'bg-on-trip/20 text-blue-300',
  STALL: 'bg-red-500/20 text-red-400',
  STOP: 'bg-red-500/20 text-red-400',
  ERR: 'bg-red-500/30 text-red-300',
};

/** Every consumer group with committed offsets: status, lag, forecast; partitions on demand. */
export function LagTable() {
  const report = useLag();
  const history = useLagHistory();
  if (!report) return <p className="p-6 text-muted" data-testid="lag.loading">Waiting for the first lag report…</p>;
  if (report.groups.length === 0) return <p className="p-6 text-muted" data-testid="lag.empty">No consumer group has committed offsets yet.</p>;
  const groups = [...report.groups].sort((a, b) => statusSeverity[b.status] - statusSeverity[a.status] || a.groupId.localeCompare(b.groupId));
  return (
    <table className="w-full text-sm" data-testid="lag.table">
      <thead className="text-left text-muted">
        <tr>
          <th className="px-4 py-2 font-medium">Consumer group</th>
          <th className="px-4 py-2 font-medium">Status</th>
          <th className="px-4 py-2 text-right font-medium">Offset lag</th>
          <th className="px-4 py-2 text-right font-medium">Time lag</th>
          <th className="px-4 py-2 font-medium">Trend (lag, 24 h)</th>
          <th className="px-4 py-2 font-medium">Forecast</th>
          <th className="px-4 py-2 font-medium">Members</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <GroupRow key={g.groupId} group={g} points={history.get(g.groupId) ?? []} />
        ))}
      </tbody>
    </table>
  );
}

function GroupRow({ group, points }: { group: GroupLag; points: readonly LagPoint[] }) {
  const worst = group.partitions.reduce((a, b) => (statusSeverity[b.status] > statusSeverity[a.status] || (b.lag ?? 0) > (a.lag ?? 0) ? b : a));
  return (
    <tr className="border-t border-edge align-top" data-testid={`lag.group.${group.groupId}`}>
      <td className="px-4 py-2">
        <details>
          <summary className="cursor-pointer font-mono">{group.groupId}</summary>
          <ul className="mt-1 space-y-0.5 text-xs text-muted">
            {group.partitions.map((p) => (
              <li key={`${p.topic}-${p.partition}`} className="font-mono">
                {p.topic}[{p.partition}] {p.committed ?? '—'}/{p.end} lag {p.lag ?? '—'}
                {p.timeLagMs === null ? '' : ` (${formatAge(p.timeLagMs)})`} {p.status}
              </li>
            ))}
          </ul>
        </details>
      </td>
      <td className="px-4 py-2">
        <span className={`rounded px-2 py-0.5 text-xs font-semibold ${badge[group.status]}`} data-testid="lag.status">
          {group.status}
        </span>
      </td>
      <td className="px-4 py-2 text-right tabular-nums" data-testid="lag.total">
        {group.totalLag.toLocaleString('en-US')}
      </td>
      <td className="px-4 py-2 text-right tabular-nums" data-testid="lag.time">
        {group.maxTimeLagMs === null ? '—' : formatAge(group.maxTimeLagMs)}
      </td>
      <td className="px-4 py-2" data-testid="lag.trend" data-points={points.length} data-from={points[0]?.at}>
        <LineChart width={120} height={28} data={points as LagPoint[]} aria-label={`Lag over the last ${points.length > 1 ? formatAge(points.at(-1)!.at - points[0]!.at) : 'poll'}`}>
          <YAxis hide domain={[0, 'dataMax']} />
          <Line type="linear" dataKey="lag" stroke={group.status === 'OK' ? '#22c55e' : '#f87171'} strokeWidth={1.5} dot={false} isAnimationActive={false} />
        </LineChart>
      </td>
      <td className="px-4 py-2" data-testid="lag.forecast">{describeForecast(worst.forecast)}</td>
      <td className="px-4 py-2 text-muted">
        {group.members} ({group.state})
      </td>
    </tr>
  );
}
