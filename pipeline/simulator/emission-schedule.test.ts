import { describe, expect, it } from 'vitest';
import { reportingDrivers } from './emission-schedule';

describe('reportingDrivers', () => {
  it.each([
    [1000, 100, 1000],
    [37, 100, 1000],
    [500, 250, 2000],
    [10, 1000, 1000],
  ])('with %i drivers and %i ms ticks, each reports once per %i ms interval', (count, tick, interval) => {
    const reports = new Array<number>(count).fill(0);
    for (let t = 0; t < interval * 3; t += tick) {
      for (const i of reportingDrivers(count, interval, t, t + tick)) reports[i]!++;
    }
    expect(reports.every((n) => n === 3)).toBe(true);
  });

  it('spreads reports over the interval instead of one burst', () => {
    const perTick = Array.from({ length: 10 }, (_, k) => reportingDrivers(1000, 1000, k * 100, (k + 1) * 100).length);
    expect(Math.max(...perTick) - Math.min(...perTick)).toBeLessThanOrEqual(1);
  });
});
