'use client';

import { Line, LineChart, YAxis } from 'recharts';
import { formatKpi, formatKpiChange, kpiTiles, wallKpis, type KpiTile } from '../../lib/kpi-tiles';
import type { MarketplaceKpis } from '../../lib/schemas/marketplace-kpis';
import type { OpsKpis } from '../../lib/schemas/ops-kpis';

/** The last minute of each KPI with its trend; `wall` sizes them for a screen across a room. */
export function KpiTiles({ minutes, marketplace, wall = false }: { minutes: readonly OpsKpis[]; marketplace: readonly MarketplaceKpis[]; wall?: boolean }) {
  const tiles = kpiTiles(minutes, marketplace, 30, wall ? wallKpis : undefined);
  if (tiles.length === 0) return <p className="p-3 text-sm text-muted">The first KPI minute closes about a minute after data starts flowing.</p>;
  return (
    <ul className="grid grid-cols-3 gap-2 p-2" data-testid="kpi.tiles">
      {tiles.map((t) => (
        <Tile key={t.key} tile={t} wall={wall} />
      ))}
    </ul>
  );
}

function Tile({ tile, wall }: { tile: KpiTile; wall: boolean }) {
  const points = tile.series.map((v, i) => ({ i, v }));
  const change = tile.change === null ? null : formatKpiChange(tile.key, tile.change);
  const value = (
    <div className="whitespace-nowrap">
      <span className={`font-semibold tabular-nums ${wall ? 'text-4xl' : 'text-lg'}`} data-testid="kpi.value">
        {formatKpi(tile.key, tile.value)}
      </span>
      {change !== null && (
        <span className={`ml-1 text-xs tabular-nums ${tile.better ? 'text-idle' : 'text-en-route'}`}>
          {tile.change! > 0 ? '▲' : '▼'} {change}
        </span>
      )}
    </div>
  );
  const trend = (width: number, height: number) => (
    <LineChart width={width} height={height} data={points} aria-hidden accessibilityLayer={false}>
      <YAxis hide domain={['dataMin', 'dataMax']} />
      <Line type="monotone" dataKey="v" stroke="#60a5fa" strokeWidth={1.5} dot={false} isAnimationActive={false} />
    </LineChart>
  );
  return (
    <li className="min-w-0 rounded border border-edge bg-surface/60 px-2 py-1.5" data-testid={`kpi.${tile.key}`}>
      <div className={`truncate text-muted ${wall ? 'text-base' : 'text-xs'}`} title={tile.label}>
        {tile.label}
      </div>
      {wall ? (
        <div className="flex items-end justify-between gap-2">
          {value}
          {trend(120, 40)}
        </div>
      ) : (
        <>
          {value}
          {trend(96, 16)}
        </>
      )}
    </li>
  );
}
