import { lagOf, type LagSample } from './lag-sample';

export type Forecast =
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'keeping-up' }
  | { readonly kind: 'catching-up'; readonly seconds: number }
  | { readonly kind: 'falling-behind'; readonly recordsPerSecond: number }
  /** Behind, but nothing produced or consumed lately: no rate to forecast from. */
  | { readonly kind: 'idle' }
  | { readonly kind: 'unknown' };

/**
 * The forecast reads rates since the lag last peaked, over at least this many polls: averaged
 * over the whole window, a consumer that just resumed carries its stopped minutes into the
 * forecast (44-61 s forecasts for partitions that caught up in 10-15 s); over the last three
 * polls only, a consumer that commits in steps (every few seconds, or per checkpoint) reads as
 * one or two steps in two seconds, and the forecast came out at half the real catch-up
 * (bench:forecast, 44-68 % short).
 */
export const RECENT_SAMPLES = 3;

/** The polls the rates are read from: from the latest one with the window's largest lag (where a resumed consumer began to gain), at least RECENT_SAMPLES. */
export function sinceLagPeak(w: readonly LagSample[]): readonly LagSample[] {
  let peak = 0;
  for (let i = 1; i < w.length; i++) if ((lagOf(w[i]!) ?? -1) >= (lagOf(w[peak]!) ?? -1)) peak = i;
  return w.slice(Math.max(0, Math.min(peak, w.length - RECENT_SAMPLES)));
}

/** Consume and produce rates within 5 % of each other count as keeping up. */
const KEEPING_UP_TOLERANCE = 0.05;

export interface LagTrend {
  /** Records per second the consumer processes over the window. */
  readonly consumeRate: number;
  /** Records per second appended to the partition over the window. */
  readonly produceRate: number;
  /** Change of lag per second (least squares over the window); negative means shrinking. */
  readonly lagSlope: number;
}

export function lagTrend(w: readonly LagSample[]): LagTrend | null {
  const first = w[0];
  const last = w.at(-1);
  if (!first || !last || last.at <= first.at || first.committed === null || last.committed === null) return null;
  const seconds = (last.at - first.at) / 1000;
  return {
    consumeRate: (last.committed - first.committed) / seconds,
    produceRate: (last.end - first.end) / seconds,
    lagSlope: slope(w.filter((s) => s.committed !== null).map((s) => [s.at / 1000, lagOf(s)!])),
  };
}

/** Time to zero lag at the current rates, or how fast the consumer is falling behind. */
export function catchUpForecast(w: readonly LagSample[]): Forecast {
  const last = w.at(-1);
  if (!last || last.committed === null) return { kind: 'unknown' };
  const lag = lagOf(last)!;
  if (lag === 0) return { kind: 'caught-up' };
  const trend = lagTrend(sinceLagPeak(w));
  if (!trend) return { kind: 'unknown' };
  if (trend.consumeRate === 0 && trend.produceRate === 0) return { kind: 'idle' };
  const net = trend.consumeRate - trend.produceRate;
  // A consumer that commits in steps (Flink, per checkpoint) carries a steady lag; when it
  // matches the production rate, a time to zero would be noise.
  if (trend.produceRate > 0 && Math.abs(net) <= KEEPING_UP_TOLERANCE * trend.produceRate) return { kind: 'keeping-up' };
  if (net > 0) return { kind: 'catching-up', seconds: lag / net };
  return { kind: 'falling-behind', recordsPerSecond: -net };
}

function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** "caught up", "catching up in 20 s", "falling behind by 35 rec/s", "—". */
export function describeForecast(f: Forecast): string {
  switch (f.kind) {
    case 'caught-up':
      return 'caught up';
    case 'keeping-up':
      return 'keeping up';
    case 'catching-up':
      return `catching up in ${f.seconds < 90 ? `${Math.ceil(f.seconds)} s` : `${Math.ceil(f.seconds / 60)} min`}`;
    case 'falling-behind':
      return `falling behind by ${f.recordsPerSecond < 10 ? f.recordsPerSecond.toFixed(1) : Math.round(f.recordsPerSecond)} rec/s`;
    case 'idle':
      return 'idle';
    case 'unknown':
      return '—';
  }
}
