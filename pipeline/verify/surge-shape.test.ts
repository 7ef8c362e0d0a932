import { cellToLatLng, gridDisk } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { distanceMeters } from '../../lib/geo';
import type { SurgeCell } from '../../lib/schemas/surge-cell';
import { defaultSurgeSettings } from '../../lib/surge';
import { EVENT_EVERY_MS, EVENT_LENGTH_MS, stadiumLetsOut } from '../simulator/demand';
import { Marketplace, requestsPerDriverSecond } from '../simulator/marketplace';
import { recomputeSurge, type RawRecord } from './surge-oracle';

/**
 * The heatmap's shape at the default fleet: the closed-loop city (the live simulator's) run for
 * 25 simulated minutes, two stadium let-outs in it, recomputed by the surge oracle with the
 * stack's settings. surge-oracle.integration.test.ts proves the Flink job writes exactly what
 * the oracle computes, window for window, so this is the shape the map shows.
 */
const DRIVERS = 3_000;
const MINUTES = 25;
const T0 = 1_800_000_000_000;
const settings = defaultSurgeSettings;
const stadium = bengaluru.landmarks.find((l) => l.kind === 'venue')!;

function cityWindows(): SurgeCell[] {
  const city = new Marketplace({ city: bengaluru, drivers: DRIVERS, seed: 42, requestsPerSecond: DRIVERS * requestsPerDriverSecond });
  const records: RawRecord[] = [];
  for (let s = 1; s <= MINUTES * 60; s++) {
    const ts = T0 + s * 1000;
    for (const r of city.step(1000, ts).requests) records.push({ kind: 'request', value: Buffer.from(JSON.stringify(r)), timestamp: ts });
    // Only idle drivers count as supply; each reports every 5 s here (the window is a minute).
    if (s % 5 === 0) for (const d of city.fleet.drivers) if (d.status === 'idle') records.push({ kind: 'ping', value: Buffer.from(JSON.stringify(city.fleet.location(d, ts))), timestamp: ts });
  }
  return [...recomputeSurge(records, settings).values()];
}

const km = (cell: string): number => {
  const [lat, lon] = cellToLatLng(cell);
  return distanceMeters({ lat, lon }, stadium) / 1000;
};

/** The largest group of these cells each touching another of the group (H3 neighbours). */
function largestCluster(cells: readonly string[]): string[] {
  const left = new Set(cells);
  let best: string[] = [];
  for (const start of cells) {
    if (!left.has(start)) continue;
    const cluster = [start];
    left.delete(start);
    for (let i = 0; i < cluster.length; i++) {
      for (const n of gridDisk(cluster[i]!, 1)) {
        if (left.delete(n)) cluster.push(n);
      }
    }
    if (cluster.length > best.length) best = cluster;
  }
  return best;
}

describe('the surge heatmap of the default city', () => {
  const byEnd = new Map<number, SurgeCell[]>();
  let during: number[] = [];
  let quiet: number[] = [];
  beforeAll(() => {
    for (const w of cityWindows()) byEnd.set(w.windowEnd, [...(byEnd.get(w.windowEnd) ?? []), w]);
    // Warmed up (the first let-out starts at minute 3); a window is "during" when the crowd
    // filled all of it, "quiet" when no crowd was in it or in the minute before.
    const ends = [...byEnd.keys()].filter((e) => e - T0 >= 4 * 60_000 && e - T0 <= MINUTES * 60_000).sort((a, b) => a - b);
    during = ends.filter((e) => stadiumLetsOut(e - T0 - settings.windowMs) && stadiumLetsOut(e - T0 - 1));
    quiet = ends.filter((e) => [0, 30_000, 60_000, 90_000, 119_999].every((back) => !stadiumLetsOut(e - T0 - back)));
  }, 120_000);

  it('puts a contiguous cluster above 1.5x at the stadium while a match lets out', () => {
    const cluster = (e: number) => largestCluster(byEnd.get(e)!.filter((c) => c.multiplier > 1.5 && km(c.cell) < 1.5).map((c) => c.cell)).length;
    const letOuts = new Map<number, number[]>();
    for (const e of during) {
      const n = Math.floor((e - T0) / EVENT_EVERY_MS);
      letOuts.set(n, [...(letOuts.get(n) ?? []), cluster(e)]);
    }
    for (const [n, sizes] of letOuts) console.log(`[surge shape] let-out ${n + 1}: stadium cluster above 1.5x per window (${sizes.length} windows): ${sizes.join(' ')}`);
    expect(letOuts.size).toBe(2);
    // Each let-out: a cluster of at least three touching cells at its height, and two or more
    // for at least a minute of windows. Drivers drifting to the crowd can then cool it down.
    for (const sizes of letOuts.values()) {
      expect(Math.max(...sizes)).toBeGreaterThanOrEqual(3);
      expect(sizes.filter((n) => n >= 2).length).toBeGreaterThanOrEqual(settings.windowMs / settings.slideMs);
    }
  });

  it('keeps most of the city at 1.0x outside events: under 15 % of active cells surge, and far from every hotspot none does', () => {
    const shares = quiet.map((e) => {
      const own = byEnd.get(e)!.filter((c) => c.demand > 0 || c.supply > 0);
      return own.filter((c) => c.multiplier > 1).length / own.length;
    });
    const far = quiet.flatMap((e) => byEnd.get(e)!).filter((c) => {
      const [lat, lon] = cellToLatLng(c.cell);
      return bengaluru.landmarks.every((l) => distanceMeters({ lat, lon }, l) > 4_000);
    });
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    console.log(`[surge shape] ${quiet.length} quiet windows: surging share of active cells mean ${(mean * 100).toFixed(1)} %, max ${(Math.max(...shares) * 100).toFixed(1)} %; ${far.filter((c) => c.multiplier > 1).length} of ${far.length} cell-windows over 4 km from every hotspot surge`);
    expect(quiet.length).toBeGreaterThan(50);
    expect(Math.max(...shares)).toBeLessThan(0.15);
    expect(far.length).toBeGreaterThan(1000);
    expect(far.filter((c) => c.multiplier > 1).length / far.length).toBeLessThan(0.01);
  });

  it('has hot spots downtown as well, not only at the stadium', () => {
    const downtown = bengaluru.landmarks.find((l) => l.name === 'MG Road')!;
    const hot = quiet.flatMap((e) => byEnd.get(e)!).filter((c) => {
      const [lat, lon] = cellToLatLng(c.cell);
      return c.multiplier > 1.5 && distanceMeters({ lat, lon }, downtown) < 3_000;
    });
    expect(hot.length).toBeGreaterThan(0);
    expect(EVENT_EVERY_MS).toBeGreaterThan(EVENT_LENGTH_MS);
  });
});
