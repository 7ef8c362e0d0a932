/**
 * Whether a panel's data can be trusted at a glance: an unattended wall must say loudly when
 * what it shows has stopped moving, whether the socket, the gateway or the pipeline stalled.
 */
export type PanelKey = 'drivers' | 'surge' | 'kpis' | 'alerts' | 'lag' | 'pipeline';

/**
 * How old a panel's data may get before it is STALE, from how often each stream moves:
 * driver positions every second or so; a surge window every slide (10 s) after the lateness
 * and a checkpoint; KPI minutes once a minute after the same; alerts, lag and pipeline status
 * ride the gateway's heartbeat and polls.
 */
export const staleAfterMs: Record<PanelKey, number> = {
  drivers: 10_000,
  surge: 60_000,
  kpis: 150_000,
  alerts: 5_000,
  lag: 20_000,
  pipeline: 20_000,
};

export type Freshness =
  | { readonly state: 'waiting'; readonly ageMs: null }
  | { readonly state: 'fresh' | 'stale'; readonly ageMs: number };

/**
 * `receivedAt`: when the stream last reached this screen (0: never). `dataTime`: the newest
 * event time in what it shows, when the data has one; the older of the two decides.
 */
export function freshness(receivedAt: number, dataTime: number | null, now: number, thresholdMs: number): Freshness {
  if (receivedAt <= 0) return { state: 'waiting', ageMs: null };
  const since = dataTime === null ? receivedAt : Math.min(receivedAt, dataTime);
  const ageMs = Math.max(0, now - since);
  return { state: ageMs > thresholdMs ? 'stale' : 'fresh', ageMs };
}
