import { gridDisk, latLngToCell } from 'h3-js';
import { DriverLocation } from '../../lib/schemas/driver-location';
import { RideRequest } from '../../lib/schemas/ride-request';
import type { SurgeCell } from '../../lib/schemas/surge-cell';
import { hopWindowStarts, smoothedTenths, SMOOTH_NEIGHBOUR_WEIGHT, SMOOTH_OWN_WEIGHT, surgeTenths, SURGE_BASE_TENTHS, type SurgeSettings } from '../../lib/surge';

/**
 * Recomputes surge.cells offline from the raw records, independently of Flink: the same rule
 * (lib/surge.ts), windows assigned by event time (the body's ts, as the jobs take it), H3 and
 * its neighbours by h3-js, smoothed over neighbours. What the job left out as late is passed in
 * so both count the same events.
 */

export interface RawRecord {
  readonly kind: 'request' | 'ping';
  readonly value: Buffer | null;
  /** The record's Kafka timestamp (event time only where the body has none, and then the record is invalid). */
  readonly timestamp: number;
}

/** Key of one window of one cell. */
export function surgeWindowKey(cell: string, windowStart: number): string {
  return `${cell}@${windowStart}`;
}

export function recomputeSurge(records: Iterable<RawRecord>, settings: SurgeSettings): Map<string, SurgeCell> {
  const windows = new Map<string, { cell: string; start: number; demand: Set<string>; supply: Set<string> }>();
  for (const record of records) {
    const event = record.kind === 'request' ? demandOf(record.value) : supplyOf(record.value);
    if (!event) continue;
    const cell = latLngToCell(event.lat, event.lon, settings.h3Resolution);
    for (const start of hopWindowStarts(event.ts, settings)) {
      const key = surgeWindowKey(cell, start);
      let w = windows.get(key);
      if (!w) windows.set(key, (w = { cell, start, demand: new Set(), supply: new Set() }));
      (record.kind === 'request' ? w.demand : w.supply).add(event.id);
    }
  }
  // Each cell's own multiplier weighs into its smoothed one and its neighbours'.
  const weighed = new Map<string, { cell: string; start: number; demand: number; supply: number; own: boolean; weighted: number; weights: number }>();
  const weigh = (cell: string, start: number, weight: number, tenths: number, own: { demand: number; supply: number } | null): void => {
    const key = surgeWindowKey(cell, start);
    let t = weighed.get(key);
    if (!t) weighed.set(key, (t = { cell, start, demand: 0, supply: 0, own: false, weighted: 0, weights: 0 }));
    t.weighted += weight * tenths;
    t.weights += weight;
    if (own) Object.assign(t, { ...own, own: true });
  };
  for (const w of windows.values()) {
    const tenths = surgeTenths(w.demand.size, w.supply.size, settings.minDemand);
    weigh(w.cell, w.start, SMOOTH_OWN_WEIGHT, tenths, { demand: w.demand.size, supply: w.supply.size });
    for (const n of gridDisk(w.cell, 1)) if (n !== w.cell) weigh(n, w.start, SMOOTH_NEIGHBOUR_WEIGHT, tenths, null);
  }
  const out = new Map<string, SurgeCell>();
  for (const [key, t] of weighed) {
    const smoothed = smoothedTenths(t.weighted, t.weights);
    // Written when it had a window of its own, or its neighbours make it surge.
    if (!t.own && smoothed <= SURGE_BASE_TENTHS) continue;
    out.set(key, { cell: t.cell, windowStart: t.start, windowEnd: t.start + settings.windowMs, demand: t.demand, supply: t.supply, multiplier: smoothed / 10 });
  }
  return out;
}

interface CountedEvent {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly ts: number;
}

function json(value: Buffer | null): Record<string, unknown> | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A valid ride request (the RideRequest schema, as the job's dead-letter checks). */
function demandOf(value: Buffer | null): CountedEvent | null {
  const parsed = RideRequest.safeParse(json(value));
  return parsed.success ? { id: parsed.data.requestId, lat: parsed.data.lat, lon: parsed.data.lon, ts: parsed.data.ts } : null;
}

/** A ping counted as supply: a valid DriverLocation (the schema drivers-positions enforces) of an idle driver. */
function supplyOf(value: Buffer | null): CountedEvent | null {
  const parsed = DriverLocation.safeParse(json(value));
  return parsed.success && parsed.data.status === 'idle' ? { id: parsed.data.driverId, lat: parsed.data.lat, lon: parsed.data.lon, ts: parsed.data.ts } : null;
}
