import { bengaluru } from '../../lib/city';

/**
 * Where the alert happened, on the city's outline: enough to tell a central street from the
 * airport road without a map library or tiles in a side panel.
 */
export function AlertMiniMap({ lat, lon }: { lat?: number; lon?: number }) {
  const { west, south, east, north } = bengaluru.bbox;
  const inside = lat !== undefined && lon !== undefined && lon >= west && lon <= east && lat >= south && lat <= north;
  const x = inside ? ((lon - west) / (east - west)) * 100 : 0;
  const y = inside ? ((north - lat) / (north - south)) * 100 : 0;
  return (
    <svg viewBox="0 0 100 100" className="h-32 w-32 rounded border border-edge bg-surface" role="img" aria-label={inside ? `Location ${lat.toFixed(4)}, ${lon.toFixed(4)}` : 'No location in the city'} data-testid="fraud.minimap">
      {bengaluru.landmarks
        .filter((l) => l.kind === 'area')
        .map((l) => (
          <circle key={l.name} cx={((l.lon - west) / (east - west)) * 100} cy={((north - l.lat) / (north - south)) * 100} r={1.2} className="fill-muted/50" />
        ))}
      {inside ? (
        <>
          <circle cx={x} cy={y} r={7} className="fill-red-500/25" />
          <circle cx={x} cy={y} r={2.5} className="fill-red-400" />
        </>
      ) : (
        <text x={50} y={52} textAnchor="middle" className="fill-muted text-[8px]">
          outside the city
        </text>
      )}
    </svg>
  );
}
