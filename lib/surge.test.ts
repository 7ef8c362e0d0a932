import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import h3NeighbourVectors from './h3-neighbour-vectors.json';
import h3Vectors from './h3-vectors.json';
import { hopWindowStarts, smoothedTenths, SMOOTH_NEIGHBOUR_WEIGHT, SMOOTH_OWN_WEIGHT, SMOOTH_TOTAL_WEIGHT, surgeMultiplier, surgeTenths } from './surge';
import smoothingVectors from './surge-smoothing-vectors.json';
import surgeVectors from './surge-vectors.json';

describe('surgeMultiplier', () => {
  it.each(surgeVectors.cases)('meets the shared vector demand=$demand supply=$supply minDemand=$minDemand -> $multiplier', ({ demand, supply, minDemand, multiplier }) => {
    expect(surgeMultiplier(demand, supply, minDemand)).toBe(multiplier);
  });

  it('is 1.0x while supply covers demand, 1.5x at twice the supply, 2.0x at three times', () => {
    expect(surgeMultiplier(8, 8, 3)).toBe(1);
    expect(surgeMultiplier(16, 8, 3)).toBe(1.5);
    expect(surgeMultiplier(24, 8, 3)).toBe(2);
  });

  it('leaves a cell at 1.0x below the minimum demand, however few drivers are idle there', () => {
    expect(surgeMultiplier(1, 0, 3)).toBe(1);
    expect(surgeMultiplier(2, 0, 3)).toBe(1);
    expect(surgeMultiplier(3, 0, 3)).toBe(3);
  });

  it('never falls as demand rises and never exceeds the cap', () => {
    for (const supply of [0, 1, 3, 10]) {
      let previous = 0;
      for (let demand = 0; demand < 80; demand++) {
        const t = surgeTenths(demand, supply, 3);
        expect(t).toBeGreaterThanOrEqual(previous);
        expect(t).toBeLessThanOrEqual(30);
        previous = t;
      }
    }
  });
});

describe('hopWindowStarts', () => {
  const settings = { windowMs: 60_000, slideMs: 10_000 };

  it('puts an event in size/slide windows, each holding it with start <= t < end', () => {
    const t = 1_700_000_123_456;
    const starts = hopWindowStarts(t, settings);
    expect(starts).toHaveLength(6);
    for (const s of starts) {
      expect(s % 10_000).toBe(0);
      expect(s).toBeLessThanOrEqual(t);
      expect(t).toBeLessThan(s + 60_000);
    }
  });

  it('treats an event on a boundary as the first instant of the new window', () => {
    expect(hopWindowStarts(20_000, settings)[0]).toBe(20_000);
    expect(hopWindowStarts(19_999, settings)[0]).toBe(10_000);
  });
});

describe('h3 vectors', () => {
  it.each(h3Vectors.cases)('h3-js puts ($lat, $lon) at res $res in $cell', ({ lat, lon, res, cell }) => {
    expect(latLngToCell(lat, lon, res)).toBe(cell);
  });
});

describe('smoothedTenths', () => {
  it.each(smoothingVectors.cases)('meets the shared vector weightedTenths=$weightedTenths weights=$weights of $totalWeight -> $multiplier', ({ weightedTenths, weights, totalWeight, multiplier }) => {
    expect(smoothedTenths(weightedTenths, weights, totalWeight) / 10).toBe(multiplier);
  });

  it('weighs a cell and its six neighbours as the shared vectors assume', () => {
    expect(SMOOTH_TOTAL_WEIGHT).toBe(smoothingVectors.cases[0]!.totalWeight);
  });

  it('damps a lone busy cell amid calm ones, and keeps a busy area busy', () => {
    const own = (t: number) => SMOOTH_OWN_WEIGHT * t;
    // Alone at the cap, its neighbours without a window (1.0x): 1.5x.
    expect(smoothedTenths(own(30), SMOOTH_OWN_WEIGHT)).toBe(15);
    // The cap with every neighbour at the cap stays at the cap.
    expect(smoothedTenths(own(30) + 6 * SMOOTH_NEIGHBOUR_WEIGHT * 30, SMOOTH_OWN_WEIGHT + 6 * SMOOTH_NEIGHBOUR_WEIGHT)).toBe(30);
    // Calm everywhere is 1.0x.
    expect(smoothedTenths(own(10), SMOOTH_OWN_WEIGHT)).toBe(10);
  });
});

describe('H3 neighbours', () => {
  it.each(h3NeighbourVectors.cases)('h3-js gives $cell the shared neighbours', ({ cell, neighbours }) => {
    expect(gridDisk(cell, 1).filter((c) => c !== cell).sort()).toEqual(neighbours);
  });
});
