import { TripEvent } from '../../lib/schemas/trip-event';
import type { MarketplaceKpis } from '../../lib/schemas/marketplace-kpis';

/**
 * Recomputes marketplace.kpis offline from raw.trip-events, independently of Flink: per minute
 * of event time (the body's ts), one count per event id (a step reported twice counts once, with
 * the longest wait of its copies), pickup times of the trips started in the minute as a
 * continuous percentile (linear between the two nearest, as Flink's PERCENTILE). Records the
 * TripEvent schema refuses are left out, and so is what the job set aside as late (the caller
 * passes only what it kept).
 */
export function recomputeMarketplace(values: Iterable<Buffer | null>): Map<number, MarketplaceKpis> {
  const minutes = new Map<number, Map<string, TripEvent>>();
  for (const value of values) {
    const event = parse(value);
    if (!event) continue;
    const start = event.ts - (event.ts % 60_000);
    let ids = minutes.get(start);
    if (!ids) minutes.set(start, (ids = new Map()));
    const known = ids.get(event.eventId);
    if (!known || (event.waitMs ?? -1) > (known.waitMs ?? -1)) ids.set(event.eventId, event);
  }
  const out = new Map<number, MarketplaceKpis>();
  for (const [start, ids] of minutes) {
    const events = [...ids.values()];
    const count = (kind: TripEvent['kind']) => events.filter((e) => e.kind === kind).length;
    const pickups = events.filter((e) => e.kind === 'started' && e.waitMs !== undefined).map((e) => e.waitMs!);
    const assigned = count('assigned');
    const unfulfilled = count('cancelled');
    out.set(start, {
      windowStart: start,
      windowEnd: start + 60_000,
      assigned,
      unfulfilled,
      fulfilment: assigned + unfulfilled === 0 ? null : assigned / (assigned + unfulfilled),
      pickupEtaP50Ms: percentile(pickups, 0.5),
      pickupEtaP90Ms: percentile(pickups, 0.9),
      tripsStarted: count('started'),
      tripsCompleted: count('completed'),
    });
  }
  return out;
}

/** The continuous percentile: rank p × (n − 1), linear between its neighbours; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

function parse(value: Buffer | null): TripEvent | null {
  if (!value) return null;
  try {
    const parsed = TripEvent.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
