/** "0.3 s", "12 s", "4 min", "2 h": how long ago something happened, for freshness badges. */
export function formatAge(ageMs: number): string {
  const ms = Math.max(0, ageMs);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.floor(ms / 3_600_000)} h`;
}
