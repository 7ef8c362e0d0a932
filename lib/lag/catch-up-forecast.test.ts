import { describe, expect, it } from 'vitest';
import { catchUpForecast, describeForecast, lagTrend, sinceLagPeak, type Forecast } from './catch-up-forecast';
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

describe('catchUpForecast of a consumer that commits in steps', () => {
  // Paused until 2 s, then taking 30/s as 10/s arrive, committing every 3 s (90 at a time);
  // polled every second. Its real catch-up from 12 s: 850 committed behind at a net 20/s, 42.5 s.
  const at = (t: number, committed: number): LagSample => ({ at: t * 1000, committed, end: 1000 + 10 * t });
  const window = [at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(4, 0), at(5, 90), at(6, 90), at(7, 90), at(8, 180), at(9, 180), at(10, 180), at(11, 270), at(12, 270)];

  it('reads the rates since the lag peaked, not the last steps alone', () => {
    const f = catchUpForecast(window);
    expect(f.kind).toBe('catching-up');
    // Within 20 %; the last three polls alone (one step of 90 in 2 s) say 24 s.
    expect((f as { seconds: number }).seconds).toBeGreaterThan(42.5 * 0.8);
    expect((f as { seconds: number }).seconds).toBeLessThan(42.5 * 1.2);
    expect(lagTrend(window.slice(-3))!.consumeRate).toBe(45);
  });

  it('reads at least the last three polls while the lag still grows', () => {
    const growing = [at(0, 0), at(1, 10), at(2, 20), at(3, 25)];
    expect(sinceLagPeak(growing)).toEqual(growing.slice(-3));
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
