import type { OpsKpis } from './schemas/ops-kpis';

export type KpiKey = 'requests' | 'activeDrivers' | 'driversOnTrip' | 'payments' | 'paymentVolume' | 'alerts';

export const kpiLabels: Record<KpiKey, string> = {
  requests: 'Ride requests / min',
  activeDrivers: 'Active drivers',
  driversOnTrip: 'Drivers on a trip',
  payments: 'Payments / min',
  paymentVolume: 'Payment volume / min',
  alerts: 'Fraud alerts / min',
};

export interface KpiTile {
  readonly key: KpiKey;
  readonly label: string;
  /** The newest minute's value. */
  readonly value: number;
  /** Change from the minute before, null when there is none. */
  readonly change: number | null;
  /** Oldest first, at most `points` minutes, for the sparkline. */
  readonly series: readonly number[];
  readonly windowEnd: number;
}

/** One tile per KPI from the committed minutes (any order), newest minute last in each series. */
export function kpiTiles(minutes: readonly OpsKpis[], points = 30): KpiTile[] {
  if (minutes.length === 0) return [];
  const sorted = [...minutes].sort((a, b) => a.windowStart - b.windowStart).slice(-points);
  const last = sorted.at(-1)!;
  const before = sorted.length > 1 ? sorted.at(-2)! : null;
  return (Object.keys(kpiLabels) as KpiKey[]).map((key) => ({
    key,
    label: kpiLabels[key],
    value: last[key],
    change: before ? last[key] - before[key] : null,
    series: sorted.map((m) => m[key]),
    windowEnd: last.windowEnd,
  }));
}

/** "12,345" for counts; "₹1.2M" style for money, in the payments' currency. */
export function formatKpi(key: KpiKey, value: number): string {
  if (key !== 'paymentVolume') return Math.round(value).toLocaleString('en-US');
  const units: [number, string][] = [[1e7, ' Cr'], [1e5, ' L'], [1e3, 'k']];
  for (const [size, unit] of units) if (value >= size) return `₹${(value / size).toFixed(1)}${unit}`;
  return `₹${Math.round(value)}`;
}
