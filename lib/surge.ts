/**
 * Surge pricing per H3 cell: the rule, its settings, and the window arithmetic the Flink job
 * uses, so the gateway, the dashboard and the oracle test all agree with the job.
 *
 * The multiplier grows with excess demand over supply in one window, once demand reaches a
 * minimum (one rider in a cell with no idle driver is chance, not a shortage):
 *
 *   demand < minDemand        -> 1.0x
 *   demand <= supply          -> 1.0x
 *   supply == 0 (demand > 0)  -> 3.0x (the cap)
 *   otherwise                 -> 1.0x + 0.5x per whole-or-part supply-sized excess,
 *                                i.e. tenths = 10 + floor(5 * (demand - supply) / supply),
 *                                capped at 3.0x
 *
 * It is computed in integer tenths so that Java (the Flink UDF) and TypeScript cannot round
 * differently; lib/surge-vectors.json holds the cases both implementations are tested on.
 */

export const SURGE_BASE_TENTHS = 10;
export const SURGE_CAP_TENTHS = 30;

export function surgeTenths(demand: number, supply: number, minDemand: number): number {
  if (demand < minDemand || demand <= supply) return SURGE_BASE_TENTHS;
  if (supply <= 0) return SURGE_CAP_TENTHS;
  return Math.min(SURGE_CAP_TENTHS, SURGE_BASE_TENTHS + Math.floor((5 * (demand - supply)) / supply));
}

export function surgeMultiplier(demand: number, supply: number, minDemand: number): number {
  return surgeTenths(demand, supply, minDemand) / 10;
}

/**
 * Smoothing over neighbours, as the field does it: a cell's multiplier is the weighted mean of
 * its own (weight 2) and its six H3 neighbours' (weight 1 each) in the same window, a
 * neighbour without a window counting as 1.0x, rounded down to a tenth. A lone busy cell
 * amid calm ones is damped; a busy area surges as a whole, its edge rising a little. Given the
 * sum of weight x tenths over the cells that had a window and the sum of their weights (what
 * the Flink job adds up); lib/surge-smoothing-vectors.json holds the cases Java must meet too.
 */
export const SMOOTH_OWN_WEIGHT = 2;
export const SMOOTH_NEIGHBOUR_WEIGHT = 1;
export const SMOOTH_TOTAL_WEIGHT = SMOOTH_OWN_WEIGHT + 6 * SMOOTH_NEIGHBOUR_WEIGHT;

export function smoothedTenths(weightedTenths: number, weights: number, totalWeight = SMOOTH_TOTAL_WEIGHT): number {
  const missing = Math.max(0, totalWeight - weights);
  return Math.floor((weightedTenths + missing * SURGE_BASE_TENTHS) / totalWeight);
}

export interface SurgeSettings {
  /** H3 resolution of a surge cell (8: about 0.74 km², a few city blocks). */
  readonly h3Resolution: number;
  /** HOP window size and slide, in event time. */
  readonly windowMs: number;
  readonly slideMs: number;
  /** Bounded out-of-orderness: the watermark trails the newest event by this much. */
  readonly latenessMs: number;
  /** Requests a cell needs in a window before it can surge at all. */
  readonly minDemand: number;
}

export const defaultSurgeSettings: SurgeSettings = {
  h3Resolution: 8,
  windowMs: 60_000,
  slideMs: 10_000,
  latenessMs: 5_000,
  minDemand: 3,
};

/** Start times of the HOP windows holding an event at `t` (start <= t < start + size), as Flink assigns them. */
export function hopWindowStarts(t: number, settings: Pick<SurgeSettings, 'windowMs' | 'slideMs'>): number[] {
  const { windowMs, slideMs } = settings;
  const last = t - (((t % slideMs) + slideMs) % slideMs);
  const starts: number[] = [];
  for (let start = last; start > t - windowMs; start -= slideMs) starts.push(start);
  return starts;
}
