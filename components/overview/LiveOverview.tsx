'use client';

import { useNow } from '../live/use-latest';
import { AlertsPanel, KpiPanel, MapPanel, PipelinePanel } from '../panel/live-panels';

/** One screen for the analyst: the city on the map, and beside it the minute, the alerts and the pipeline. */
export function LiveOverview() {
  const now = useNow(500);
  return (
    <div className="grid min-h-0 flex-1 grid-cols-1 gap-2 p-2 lg:grid-cols-[1fr_26rem]">
      <MapPanel now={now} />
      <aside className="flex min-h-0 flex-col gap-2 overflow-y-auto" aria-label="Summary" tabIndex={0}>
        <KpiPanel now={now} />
        <AlertsPanel now={now} />
        <PipelinePanel now={now} />
      </aside>
    </div>
  );
}
