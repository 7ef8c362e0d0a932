import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import h3Vectors from './h3-vectors.json';
import { hopWindowStarts, surgeMultiplier, surgeTenths } from './surge';
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
