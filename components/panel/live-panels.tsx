'use client';

import { countByStatus, openAlerts, triageQueue } from '../../lib/alert-queue';
import { cardLabel } from '../../lib/card';
import { formatAge } from '../../lib/format-age';
import { freshness, staleAfterMs } from '../../lib/freshness';
import { statusSeverity } from '../../lib/lag/partition-status';
import { KpiTiles } from '../kpi/KpiTiles';
import { useAlerts } from '../live/use-alerts';
import { useDrivers } from '../live/use-drivers';
import { analyticsStore, heartbeatStore, lagStore, pipelineStore, useAnalytics, useLag, usePipeline } from '../live/use-latest';
import { LiveDriverMap } from '../map/LiveDriverMap';
import { Panel, Skeleton } from './Panel';

export interface LivePanelProps {
  readonly now: number;
  readonly wall?: boolean;
  /** Sizing from the layout around the panel (say flex-1 to fill a column). */
  readonly className?: string;
}

/**
 * The live panels the wall, the overview and embeds are built from. Each knows how fresh its
 * data is (lib/freshness.ts); `wall` sizes the type for a screen across a room.
 */

export function MapPanel({ now, wall = false, className }: LivePanelProps) {
  const frame = useDrivers();
  const fresh = freshness(frame?.receivedAt ?? 0, frame && frame.newestEventTime > 0 ? frame.newestEventTime : null, now, staleAfterMs.drivers);
  return (
    <Panel title={`Drivers ${frame ? frame.count.toLocaleString('en-US') : ''}`} freshness={fresh} testId="panel.drivers" stream="drivers" wall={wall} className={className}>
      <LiveDriverMap />
    </Panel>
  );
}

export function KpiPanel({ now, wall = false, className }: LivePanelProps) {
  const analytics = useAnalytics();
  const last = analytics?.kpis.at(-1)?.windowEnd ?? null;
  const fresh = freshness(analyticsStore().receivedAt(), last, now, staleAfterMs.kpis);
  return (
    <Panel title="Last minute" freshness={fresh} testId="panel.kpis" stream="kpis" wall={wall} className={className}>
      {analytics ? <KpiTiles minutes={analytics.kpis} marketplace={analytics.marketplace} wall={wall} /> : <Skeleton />}
    </Panel>
  );
}

export function AlertsPanel({ now, wall = false, className }: LivePanelProps) {
  const frame = useAlerts();
  // Alerts come when rules fire; between them, the gateway's heartbeat says the feed is alive.
  const fresh = freshness(frame?.loaded ? heartbeatStore().receivedAt() : 0, null, now, staleAfterMs.alerts);
  const counts = frame ? countByStatus(frame.records) : null;
  const open = frame ? triageQueue(frame.records, openAlerts).slice(0, 8) : [];
  return (
    <Panel title="Fraud alerts" freshness={fresh} testId="panel.alerts" stream="alerts" wall={wall} className={className}>
      {!frame?.loaded ? (
        <Skeleton rows={5} />
      ) : (
        <div className={`p-3 ${wall ? 'text-xl' : 'text-sm'}`}>
          <p className={`mb-2 ${wall ? 'text-2xl' : 'text-base'}`}>
            <span className="font-bold text-red-300 tabular-nums" data-testid="panel.alerts.new">
              {counts!.new}
            </span>{' '}
            new · <span className="tabular-nums">{counts!.acknowledged + counts!.assigned}</span> in hand ·{' '}
            <span className="tabular-nums text-muted">{counts!.resolved}</span> resolved
          </p>
          {open.length === 0 ? (
            <p className="text-muted">No open alerts.</p>
          ) : (
            <ul className="space-y-1">
              {open.map((r) => (
                <li key={r.alert.alertId} className="flex justify-between gap-3">
                  <span>{r.alert.rule}</span>
                  <span className="font-mono text-muted">
                    {cardLabel(r.alert.bin, r.alert.last4)}
                  </span>
                  <span className="tabular-nums">{r.alert.score.toFixed(2)}</span>
                  <span className="text-muted">{r.triage.status}</span>
                  <span className="tabular-nums text-muted">{formatAge(Math.max(0, now - r.alert.detectedAt))}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Panel>
  );
}

export function PipelinePanel({ now, wall = false, className }: LivePanelProps) {
  const pipeline = usePipeline();
  const lag = useLag();
  const received = Math.min(pipelineStore().receivedAt() || Infinity, lagStore().receivedAt() || Infinity);
  const fresh = freshness(Number.isFinite(received) ? received : 0, null, now, staleAfterMs.pipeline);
  const troubled = lag ? lag.groups.filter((g) => g.status !== 'OK').sort((a, b) => statusSeverity[b.status] - statusSeverity[a.status]) : [];
  return (
    <Panel title="Pipeline" freshness={fresh} testId="panel.pipeline" stream="pipeline" wall={wall} className={className}>
      {!pipeline && !lag ? (
        <Skeleton />
      ) : (
        <div className={`space-y-2 p-3 ${wall ? 'text-xl' : 'text-sm'}`}>
          {pipeline && !pipeline.reachable && <p className="text-en-route">Flink: {pipeline.error}</p>}
          <ul className="space-y-1">
            {pipeline?.jobs.map((j) => (
              <li key={j.id} className="flex justify-between gap-3" data-testid={`panel.job.${j.name}`}>
                <span className="font-mono">{j.name}</span>
                <span className={j.state === 'RUNNING' ? 'text-idle' : 'font-bold text-red-400'}>{j.state}</span>
                <span className="tabular-nums text-muted">{j.watermark === null ? '—' : `${formatAge(Math.max(0, pipeline.at - j.watermark))} behind`}</span>
              </li>
            ))}
          </ul>
          {lag && (
            <p className={troubled.length ? 'text-en-route' : 'text-muted'} data-testid="panel.lag">
              {troubled.length === 0 ? `All ${lag.groups.length} consumer groups OK` : troubled.map((g) => `${g.groupId} ${g.status}`).join(' · ')}
            </p>
          )}
        </div>
      )}
    </Panel>
  );
}
