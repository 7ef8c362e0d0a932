'use client';

import type { EmbedPanel } from '../../lib/embed-panels';
import { useNow } from '../live/use-latest';
import { SessionBanner } from '../SessionBanner';
import { AlertsPanel, KpiPanel, MapPanel, PipelinePanel } from '../panel/live-panels';

/** One live panel filling its frame, nothing around it. */
export function EmbeddedPanel({ panel }: { panel: EmbedPanel }) {
  const now = useNow(500);
  const Panel = { map: MapPanel, kpis: KpiPanel, alerts: AlertsPanel, pipeline: PipelinePanel }[panel];
  return (
    <div className="flex h-screen w-screen flex-col p-1" data-testid="embed">
      <SessionBanner />
      <Panel now={now} className="flex-1" />
    </div>
  );
}
