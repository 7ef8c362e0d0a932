'use client';

/** Steps back through the recent surge windows the gateway keeps; the right end is live. */
export function SurgeScrubber({ windowEnds, value, onChange }: { windowEnds: readonly number[]; value: number | null; onChange: (end: number | null) => void }) {
  const index = value === null ? windowEnds.length - 1 : Math.max(0, windowEnds.indexOf(value));
  const end = windowEnds[index]!;
  return (
    <div className="absolute bottom-14 left-3 flex items-center gap-2 rounded bg-panel/90 px-3 py-1.5 text-xs text-muted">
      <label htmlFor="surge-scrubber">surge window</label>
      <input
        id="surge-scrubber"
        type="range"
        min={0}
        max={windowEnds.length - 1}
        value={index}
        onChange={(e) => {
          const i = Number(e.target.value);
          onChange(i === windowEnds.length - 1 ? null : windowEnds[i]!);
        }}
        data-testid="map.surge-scrubber"
      />
      <span className="w-28 tabular-nums text-ink" data-testid="map.surge-window">
        {value === null ? 'live' : `${new Date(end).toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata' })} IST`}
      </span>
    </div>
  );
}
