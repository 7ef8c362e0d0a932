import { surgeColor } from './surge-layer';

/** What the colours mean: driver statuses, the surge scale, open fraud alerts. */
export function MapLegend() {
  const items = [
    ['idle', 'bg-idle'],
    ['en route', 'bg-en-route'],
    ['on trip', 'bg-on-trip'],
    ['offline', 'bg-offline'],
  ] as const;
  return (
    <div className="absolute bottom-3 left-3 flex flex-wrap items-center gap-4 rounded bg-panel/90 px-3 py-2 text-xs text-muted">
      <ul className="flex gap-3" aria-label="Driver status colours">
        {items.map(([label, swatch]) => (
          <li key={label} className="flex items-center gap-1.5">
            <span className={`inline-block h-2.5 w-2.5 rounded-full ${swatch}`} aria-hidden />
            {label}
          </li>
        ))}
      </ul>
      <SurgeScale />
      <span className="flex items-center gap-1.5">
        <span className="inline-block h-2.5 w-2.5 rounded-full border-2 border-red-400 bg-red-500/40" aria-hidden />
        open fraud alert
      </span>
    </div>
  );
}

/** The surge scale the hexagons are drawn in. */
function SurgeScale() {
  const stops = [1.1, 1.5, 2, 2.5, 3].map((m) => `rgba(${surgeColor(m).slice(0, 3).join(',')},${(surgeColor(m)[3] / 255).toFixed(2)}) ${((m - 1.1) / 1.9) * 100}%`);
  return (
    <div className="flex items-center gap-1.5" aria-label="Surge multiplier scale, 1.1x to 3.0x">
      <span>surge 1.1x</span>
      <span className="inline-block h-2.5 w-24 rounded-sm" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} aria-hidden />
      <span>3.0x</span>
    </div>
  );
}
