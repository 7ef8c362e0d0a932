import type { MarketplaceKpis } from './schemas/marketplace-kpis';
import type { OpsKpis } from './schemas/ops-kpis';

/** A KPI minute as the tiles read it: ops.kpis and, where the KPI job wrote it, marketplace.kpis of the same minute. */
type KpiMinute = Partial<Omit<OpsKpis, 'windowStart' | 'windowEnd'> & Omit<MarketplaceKpis, 'windowStart' | 'windowEnd'>> & { readonly windowEnd: number };

export type KpiKey =
  | 'requests'
  | 'fulfilment'
  | 'unfulfilled'
  | 'pickupEtaP50Ms'
  | 'pickupEtaP90Ms'
  | 'tripsStarted'
  | 'tripsCompleted'
  | 'activeDrivers'
  | 'driversIdle'
  | 'driversEnRoute'
  | 'driversOnTrip'
  | 'payments'
  | 'paymentVolume'
  | 'alerts';

/** Tiles in the order they are shown: demand and how it was served, then the fleet, then money. */
export const kpiLabels: Record<KpiKey, string> = {
  requests: 'Requests / min',
  fulfilment: 'Requests served',
  unfulfilled: 'Gave up / min',
  pickupEtaP50Ms: 'Pickup time p50',
  pickupEtaP90Ms: 'Pickup time p90',
  tripsStarted: 'Trips started / min',
  tripsCompleted: 'Trips ended / min',
  activeDrivers: 'Active drivers',
  driversIdle: 'Drivers idle',
  driversEnRoute: 'Drivers en route',
  driversOnTrip: 'Drivers on a trip',
  payments: 'Payments / min',
  paymentVolume: 'Volume / min',
  alerts: 'Fraud alerts / min',
};

/**
 * What the wall shows across a room: how riders are served and where the fleet is. Money and
 * fraud have panels of their own there; the dashboard and embeds show every tile.
 */
export const wallKpis: readonly KpiKey[] = ['requests', 'fulfilment', 'unfulfilled', 'pickupEtaP50Ms', 'pickupEtaP90Ms', 'tripsCompleted', 'driversIdle', 'driversEnRoute', 'driversOnTrip'];

/** KPIs where a rise is bad news (its arrow is coloured as a warning). */
const worseWhenUp: ReadonlySet<KpiKey> = new Set(['unfulfilled', 'pickupEtaP50Ms', 'pickupEtaP90Ms', 'alerts']);

export interface KpiTile {
  readonly key: KpiKey;
  readonly label: string;
  /** The newest minute's value. */
  readonly value: number;
  /** Change from the minute before, null when there is none. */
  readonly change: number | null;
  /** Whether that change is for the better (null without a change). */
  readonly better: boolean | null;
  /** Oldest first, at most `points` minutes, for the sparkline. */
  readonly series: readonly number[];
  readonly windowEnd: number;
}

/**
 * One tile per KPI from the committed minutes of both topics (any order), newest minute last in
 * each series. A KPI a minute has no value for (no pickups, no trip events: an older KPI job, a
 * city that reports no trips) is left out of that minute; a KPI no minute has gets no tile.
 */
export function kpiTiles(ops: readonly OpsKpis[], marketplace: readonly MarketplaceKpis[] = [], points = 30, only: readonly KpiKey[] = Object.keys(kpiLabels) as KpiKey[]): KpiTile[] {
  const byStart = new Map<number, KpiMinute>();
  for (const m of [...ops, ...marketplace]) byStart.set(m.windowStart, { ...byStart.get(m.windowStart), ...m });
  const minutes = [...byStart].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
  const tiles: KpiTile[] = [];
  for (const key of (Object.keys(kpiLabels) as KpiKey[]).filter((k) => only.includes(k))) {
    const known = minutes.filter((m) => typeof m[key] === 'number').slice(-points);
    if (known.length === 0) continue;
    const series = known.map((m) => m[key] as number);
    const value = series.at(-1)!;
    const change = series.length > 1 ? value - series.at(-2)! : null;
    tiles.push({
      key,
      label: kpiLabels[key],
      value,
      change,
      better: change === null || change === 0 ? null : change > 0 !== worseWhenUp.has(key),
      series,
      windowEnd: known.at(-1)!.windowEnd,
    });
  }
  return tiles;
}

/** "12,345" for counts; "94.3 %" for shares; "4.8 min" for times; "₹1.2M" style for money, in the payments' currency. */
export function formatKpi(key: KpiKey, value: number): string {
  if (key === 'fulfilment') return `${(value * 100).toFixed(1)} %`;
  if (key === 'pickupEtaP50Ms' || key === 'pickupEtaP90Ms') return `${(value / 60_000).toFixed(1)} min`;
  if (key !== 'paymentVolume') return Math.round(value).toLocaleString('en-US');
  const units: [number, string][] = [[1e7, ' Cr'], [1e5, ' L'], [1e3, 'k']];
  for (const [size, unit] of units) if (value >= size) return `₹${(value / size).toFixed(1)}${unit}`;
  return `₹${Math.round(value)}`;
}

/**
 * A change as a tile shows it beside the value: times and shares without their unit (the value
 * has it); null when it rounds to nothing at that precision (no "▲ 0.0").
 */
export function formatKpiChange(key: KpiKey, change: number): string | null {
  const size = Math.abs(change);
  const text = key === 'pickupEtaP50Ms' || key === 'pickupEtaP90Ms' ? (size / 60_000).toFixed(1) : key === 'fulfilment' ? (size * 100).toFixed(1) : formatKpi(key, size);
  return /^₹?0(\.0)?$/.test(text) ? null : text;
}
