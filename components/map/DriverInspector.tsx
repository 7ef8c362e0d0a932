/** The selected driver: status, position, and whether the map follows it. */
export function DriverInspector({ id, at, status, following, onFollow, onClose }: { id: string; at: [number, number] | null; status: string | null; following: boolean; onFollow: (f: boolean) => void; onClose: () => void }) {
  return (
    <section className="absolute left-3 top-3 w-60 rounded bg-panel/95 p-3 text-sm shadow-lg" aria-label={`Driver ${id}`} data-testid="map.inspector">
      <header className="mb-1 flex items-center justify-between">
        <h3 className="font-mono font-semibold">{id}</h3>
        <button className="text-muted hover:text-ink" onClick={onClose} aria-label="Close driver details">
          ✕
        </button>
      </header>
      {at ? (
        <dl className="grid grid-cols-[4rem_1fr] gap-y-0.5 text-xs">
          <dt className="text-muted">status</dt>
          <dd data-testid="map.inspector.status">{status?.replace('_', ' ')}</dd>
          <dt className="text-muted">position</dt>
          <dd className="tabular-nums">
            {at[1].toFixed(5)}, {at[0].toFixed(5)}
          </dd>
        </dl>
      ) : (
        <p className="text-xs text-muted">Not in view any more (went offline, or outside the area this map receives).</p>
      )}
      <label className="mt-2 flex cursor-pointer items-center gap-1.5 text-xs">
        <input type="checkbox" checked={following} onChange={(e) => onFollow(e.target.checked)} disabled={!at} data-testid="map.follow" />
        follow on the map
      </label>
    </section>
  );
}
