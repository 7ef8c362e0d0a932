import { describe, expect, it } from 'vitest';
import { SteadyRate } from './steady-rate';

describe('SteadyRate', () => {
  const total = (perSecond: number, steps: number, dtMs: number) => {
    const rate = new SteadyRate(perSecond);
    let n = 0;
    for (let i = 0; i < steps; i++) n += rate.due(dtMs);
    return n;
  };

  it('gives nothing at a rate of zero, however long it runs', () => {
    expect(total(0, 10_000, 100)).toBe(0);
  });

  it('gives the rate over time, fractions carried between steps', () => {
    expect(total(0.5, 100, 100)).toBe(5);
    expect(total(20, 600, 100)).toBe(1200);
  });
});
