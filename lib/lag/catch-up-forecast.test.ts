import { describe, expect, it } from 'vitest';
import { catchUpForecast, describeForecast, lagTrend, type Forecast } from './catch-up-forecast';
import type { LagSample } from './lag-sample';

const w = (...pairs: [number | null, number][]): LagSample[] => pairs.map(([committed, end], i) => ({ at: i * 10_000, committed, end }));

describe('catchUpForecast', () => {
  it.each<[string, LagSample[], Forecast]>([
    ['caught up at zero lag', w([0, 10], [20, 20]), { kind: 'caught-up' }],
    // Consumes 30/s while 10/s arrive: the last lag of 400 shrinks at 20/s.
    ['time to zero at the net consume rate', w([0, 1000], [300, 1100], [600, 1200], [900, 1300]), { kind: 'catching-up', seconds: 20 }],
    // 300 records behind, but consuming 100/s as 101/s arrive: steady, not catching up.
    ['keeping up when the rates match within 5 %', w([0, 300], [1000, 1310], [2000, 2320]), { kind: 'keeping-up' }],
    ['falling behind when production outpaces consumption', w([0, 100], [100, 400], [200, 700]), { kind: 'falling-behind', recordsPerSecond: 20 }],
    // Stopped for 30 s, then consuming 50/s as 10/s arrive: the forecast reads the recent polls
    // (200 left at a net 40/s: 5 s), not the whole window's average (which says 12.5 s).
    ['catching-up at the recent rate right after a resume', w([0, 1000], [0, 1000], [0, 1000], [0, 1000], [500, 1100], [1000, 1200]), { kind: 'catching-up', seconds: 5 }],
    ['idle when behind and nothing is produced or consumed lately', w([10, 100], [10, 100], [10, 100]), { kind: 'idle' }],
    ['unknown without a committed offset', w([null, 100]), { kind: 'unknown' }],
    ['unknown with a single sample and lag', w([0, 100]), { kind: 'unknown' }],
  ])('%s', (_name, window, forecast) => {
    const f = catchUpForecast(window);
    expect(f.kind).toBe(forecast.kind);
    if (f.kind === 'catching-up' && forecast.kind === 'catching-up') expect(f.seconds).toBeCloseTo(forecast.seconds, 6);
    if (f.kind === 'falling-behind' && forecast.kind === 'falling-behind') expect(f.recordsPerSecond).toBeCloseTo(forecast.recordsPerSecond, 6);
  });
});

describe('lagTrend', () => {
  it('gives consume and produce rates and the slope of lag per second', () => {
    const t = lagTrend(w([0, 100], [100, 300], [200, 500]))!;
    expect(t.consumeRate).toBeCloseTo(10, 9);
    expect(t.produceRate).toBeCloseTo(20, 9);
    expect(t.lagSlope).toBeCloseTo(10, 9);
  });
});

describe('describeForecast', () => {
  it.each<[Forecast, string]>([
    [{ kind: 'caught-up' }, 'caught up'],
    [{ kind: 'keeping-up' }, 'keeping up'],
    [{ kind: 'catching-up', seconds: 19.2 }, 'catching up in 20 s'],
    [{ kind: 'catching-up', seconds: 600 }, 'catching up in 10 min'],
    [{ kind: 'falling-behind', recordsPerSecond: 2.25 }, 'falling behind by 2.3 rec/s'],
    [{ kind: 'falling-behind', recordsPerSecond: 345.6 }, 'falling behind by 346 rec/s'],
    [{ kind: 'idle' }, 'idle'],
    [{ kind: 'unknown' }, '—'],
  ])('%j reads "%s"', (forecast, text) => {
    expect(describeForecast(forecast)).toBe(text);
  });
});
