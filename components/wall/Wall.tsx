'use client';

import { useEffect, useState } from 'react';
import { countByStatus, openAlerts, triageQueue } from '../../lib/alert-queue';
import { formatAge } from '../../lib/format-age';
import { freshness, staleAfterMs } from '../../lib/freshness';
import { statusSeverity } from '../../lib/lag/partition-status';
import { KpiTiles } from '../kpi/KpiTiles';
import { useAlerts } from '../live/use-alerts';
import { useDrivers } from '../live/use-drivers';
import { analyticsStore, heartbeatStore, lagStore, pipelineStore, useAnalytics, useLag, useNow, usePipeline } from '../live/use-latest';
import { LiveDriverMap } from '../map/LiveDriverMap';
import { Panel, Skeleton } from '../panel/Panel';

export type WallView = 'city' | 'operations';

/**
 * The unattended ops wall: large type, no controls, reconnects forever (the socket does), and
 * every panel says loudly when its data went stale. With `rotateSeconds` it alternates between
 * the city (map, KPIs) and operations (alerts, pipeline) views, for smaller screens.
 */
export function Wall({ rotateSeconds }: { rotateSeconds: number | null }) {
  const now = useNow(500);
  const [view, setView] = useState<WallView>('city');
  useEffect(() => {
    if (!rotateSeconds) return;
    const t = setInterval(() => setView((v) => (v === 'city' ? 'operations' : 'city')), rotateSeconds * 1000);
    return () => clearInterval(t);
  }, [rotateSeconds]);
  const show = (v: WallView) => !rotateSeconds || view === v;

  return (
    <div className="flex h-screen flex-col gap-3 bg-surface p-3 text-ink" data-testid="wall" data-view={rotateSeconds ? view : 'all'}>
      <WallHeader now={now} />
      <div className={`grid min-h-0 flex-1 gap-3 ${rotateSeconds ? 'grid-cols-1' : 'grid-cols-[2fr_1fr]'}`}>
        {show('city') && (
          <div className="grid min-h-0 grid-rows-[2fr_1fr] gap-3">
            <MapPanel now={now} />
            <KpiPanel now={now} />
          </div>
        )}
        {show('operations') && (
          <div className="grid min-h-0 grid-rows-[3fr_2fr] gap-3">
            <AlertsPanel now={now} />
            <PipelinePanel now={now} />
          </div>
        )}
      </div>
    </div>
  );
}

/** Title, clock, and a banner across the wall while the gateway cannot be reached. */
function WallHeader({ now }: { now: number }) {
  const frame = useDrivers();
  const lastHeartbeat = heartbeatStore().receivedAt();
  const unreachable = frame?.connection === 'reconnecting' || (lastHeartbeat > 0 && now - lastHeartbeat > staleAfterMs.alerts);
  return (
    <header className="flex items-center justify-between">
      <h1 className="text-3xl font-semibold tracking-tight">Streamwatch · Bengaluru</h1>
      {unreachable && (
        <p role="alert" className="animate-pulse rounded bg-red-600 px-4 py-1 text-2xl font-bold text-white" data-testid="wall.unreachable">
          GATEWAY UNREACHABLE · reconnecting{lastHeartbeat > 0 ? ` · last contact ${formatAge(now - lastHeartbeat)} ago` : ''}
        </p>
      )}
      <time className="text-3xl tabular-nums text-muted" suppressHydrationWarning>
        {new Date(now).toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata' })}
      </time>
    </header>
  );
}

function MapPanel({ now }: { now: number }) {
  const frame = useDrivers();
  const fresh = freshness(frame?.receivedAt ?? 0, frame && frame.newestEventTime > 0 ? frame.newestEventTime : null, now, staleAfterMs.drivers);
  return (
    <Panel title={`Drivers ${frame ? frame.count.toLocaleString('en-US') : ''}`} freshness={fresh} testId="wall.drivers" wall>
      <LiveDriverMap />
    </Panel>
  );
}

function KpiPanel({ now }: { now: number }) {
  const analytics = useAnalytics();
  const last = analytics?.kpis.at(-1)?.windowEnd ?? null;
  const fresh = freshness(analyticsStore().receivedAt(), last, now, staleAfterMs.kpis);
  return (
    <Panel title="Last minute" freshness={fresh} testId="wall.kpis" wall>
      {analytics ? <KpiTiles minutes={analytics.kpis} wall /> : <Skeleton />}
    </Panel>
  );
}

function AlertsPanel({ now }: { now: number }) {
  const frame = useAlerts();
  // Alerts come when rules fire; between them, the gateway's heartbeat says the feed is alive.
  const fresh = freshness(frame?.loaded ? heartbeatStore().receivedAt() : 0, null, now, staleAfterMs.alerts);
  const counts = frame ? countByStatus(frame.records) : null;
  const open = frame ? triageQueue(frame.records, openAlerts).slice(0, 8) : [];
  return (
    <Panel title="Fraud alerts" freshness={fresh} testId="wall.alerts" wall>
      {!frame?.loaded ? (
        <Skeleton rows={5} />
      ) : (
        <div className="p-3">
          <p className="mb-2 text-2xl">
            <span className="font-bold text-red-300 tabular-nums" data-testid="wall.alerts.new">
              {counts!.new}
            </span>{' '}
            new · <span className="tabular-nums">{counts!.acknowledged + counts!.assigned}</span> in hand ·{' '}
            <span className="tabular-nums text-muted">{counts!.resolved}</span> resolved
          </p>
          {open.length === 0 ? (
            <p className="text-xl text-muted">No open alerts.</p>
          ) : (
            <ul className="space-y-1 text-xl">
              {open.map((r) => (
                <li key={r.alert.alertId} className="flex justify-between gap-3">
                  <span>{r.alert.rule}</span>
                  <span className="font-mono text-muted">
                    {r.alert.bin}••{r.alert.last4}
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

function PipelinePanel({ now }: { now: number }) {
  const pipeline = usePipeline();
  const lag = useLag();
  const received = Math.min(pipelineStore().receivedAt() || Infinity, lagStore().receivedAt() || Infinity);
  const fresh = freshness(Number.isFinite(received) ? received : 0, null, now, staleAfterMs.pipeline);
  const troubled = lag ? lag.groups.filter((g) => g.status !== 'OK').sort((a, b) => statusSeverity[b.status] - statusSeverity[a.status]) : [];
  return (
    <Panel title="Pipeline" freshness={fresh} testId="wall.pipeline" wall>
      {!pipeline && !lag ? (
        <Skeleton />
      ) : (
        <div className="space-y-2 p-3 text-xl">
          {pipeline && !pipeline.reachable && <p className="text-en-route">Flink: {pipeline.error}</p>}
          <ul className="space-y-1">
            {pipeline?.jobs.map((j) => (
              <li key={j.id} className="flex justify-between gap-3" data-testid={`wall.job.${j.name}`}>
                <span className="font-mono">{j.name}</span>
                <span className={j.state === 'RUNNING' ? 'text-idle' : 'font-bold text-red-400'}>{j.state}</span>
                <span className="tabular-nums text-muted">{j.watermark === null ? '—' : `${formatAge(Math.max(0, pipeline.at - j.watermark))} behind`}</span>
              </li>
            ))}
          </ul>
          {lag && (
            <p className={troubled.length ? 'text-en-route' : 'text-muted'} data-testid="wall.lag">
              {troubled.length === 0 ? `All ${lag.groups.length} consumer groups OK` : troubled.map((g) => `${g.groupId} ${g.status}`).join(' · ')}
            </p>
          )}
        </div>
      )}
    </Panel>
  );
}
