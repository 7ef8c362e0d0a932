'use client';

import { useEffect, useState } from 'react';
import { formatAge } from '../../lib/format-age';
import { staleAfterMs } from '../../lib/freshness';
import { useDrivers } from '../live/use-drivers';
import { heartbeatStore, useNow } from '../live/use-latest';
import { AlertsPanel, KpiPanel, MapPanel, PipelinePanel } from '../panel/live-panels';
import { SessionBanner } from '../SessionBanner';

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
      <SessionBanner large />
      <WallHeader now={now} />
      <div className={`grid min-h-0 flex-1 gap-3 ${rotateSeconds ? 'grid-cols-1' : 'grid-cols-[2fr_1fr]'}`}>
        {show('city') && (
          <div className="grid min-h-0 grid-rows-[2fr_1fr] gap-3">
            <MapPanel now={now} wall />
            <KpiPanel now={now} wall />
          </div>
        )}
        {show('operations') && (
          <div className="grid min-h-0 grid-rows-[3fr_2fr] gap-3">
            <AlertsPanel now={now} wall />
            <PipelinePanel now={now} wall />
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
        <p role="alert" className="rounded bg-red-700 px-4 py-1 text-2xl font-bold text-white ring-4 ring-red-400" data-testid="wall.unreachable">
          GATEWAY UNREACHABLE · reconnecting{lastHeartbeat > 0 ? ` · last contact ${formatAge(now - lastHeartbeat)} ago` : ''}
        </p>
      )}
      <time className="text-3xl tabular-nums text-muted" suppressHydrationWarning>
        {new Date(now).toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata' })}
      </time>
    </header>
  );
}
