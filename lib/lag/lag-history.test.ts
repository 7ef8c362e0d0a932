import { describe, expect, it } from 'vitest';
import { appendLagReport, coarsen, foldIntoMinutes, LAG_HISTORY_MINUTE_MS, trendOf, type LagHistory, type MinutePoint } from './lag-history';
import type { GroupLag, LagReport } from './lag-report';

const group = (groupId: string, totalLag: number): GroupLag => ({ groupId, state: 'Stable', members: 1, status: 'OK', totalLag, maxTimeLagMs: totalLag * 10, partitions: [] });
const report = (at: number, ...groups: GroupLag[]): LagReport => ({ at, groups });

describe('appendLagReport', () => {
  it('keeps a bounded series per group, oldest dropped first', () => {
    let h: LagHistory = new Map();
    for (let i = 1; i <= 5; i++) h = appendLagReport(h, report(i * 1000, group('g', i)), 3);
    expect(h.get('g')!.map((p) => p.lag)).toEqual([3, 4, 5]);
    expect(h.get('g')!.at(-1)).toEqual({ at: 5000, lag: 5, timeLagMs: 50 });
  });

  it('keeps a group that is missing from one report, and ignores a repeated report', () => {
    let h: LagHistory = appendLagReport(new Map(), report(1000, group('a', 1), group('b', 2)), 10);
    h = appendLagReport(h, report(2000, group('a', 3)), 10);
    h = appendLagReport(h, report(2000, group('a', 9)), 10);
    expect(h.get('a')!.map((p) => p.lag)).toEqual([1, 3]);
    expect(h.get('b')!.map((p) => p.lag)).toEqual([2]);
  });
});

describe('foldIntoMinutes', () => {
  const min = LAG_HISTORY_MINUTE_MS;
  it("keeps each group's largest lag and time lag of the minute, and closes the minute when a later one's report comes", () => {
    let open = new Map<string, MinutePoint>();
    const closed: MinutePoint[] = [];
    for (const [at, lag] of [[5 * min + 1000, 4], [5 * min + 30_000, 9], [5 * min + 59_000, 2], [6 * min + 1000, 1]] as const) {
      const r = foldIntoMinutes(open, report(at, group('g', lag)));
      open = r.open;
      closed.push(...r.closed);
    }
    expect(closed).toEqual([{ groupId: 'g', at: 5 * min, lag: 9, timeLagMs: 90 }]);
    expect(open.get('g')).toEqual({ groupId: 'g', at: 6 * min, lag: 1, timeLagMs: 10 });
  });

  it('closes the minute of a group missing from a later report, and keeps one not yet over', () => {
    const first = foldIntoMinutes(new Map(), report(min + 10, group('a', 3), group('b', 5)));
    const same = foldIntoMinutes(first.open, report(min + 20, group('a', 1)));
    expect(same.closed).toEqual([]);
    expect(same.open.get('b')).toEqual({ groupId: 'b', at: min, lag: 5, timeLagMs: 50 });
    const later = foldIntoMinutes(same.open, report(2 * min + 5, group('a', 0)));
    expect(later.closed.map((p) => [p.groupId, p.lag])).toEqual([['a', 3], ['b', 5]]);
    expect([...later.open.keys()]).toEqual(['a']);
  });

  it('takes a known time lag over an unknown one', () => {
    const unknown: GroupLag = { ...group('g', 1), maxTimeLagMs: null };
    const r = foldIntoMinutes(foldIntoMinutes(new Map(), report(10, unknown)).open, report(20, group('g', 0)));
    expect(r.open.get('g')!.timeLagMs).toBe(0);
    expect(foldIntoMinutes(new Map(), report(10, unknown)).open.get('g')!.timeLagMs).toBeNull();
  });
});

describe('coarsen and trendOf', () => {
  it('coarsens to the largest of each step', () => {
    const points = [0, 1, 2, 5, 6].map((m) => ({ at: m * LAG_HISTORY_MINUTE_MS, lag: m, timeLagMs: m === 1 ? null : m * 10 }));
    expect(coarsen(points, 5 * LAG_HISTORY_MINUTE_MS)).toEqual([
      { at: 0, lag: 2, timeLagMs: 20 },
      { at: 5 * LAG_HISTORY_MINUTE_MS, lag: 6, timeLagMs: 60 },
    ]);
  });

  it('joins the persisted trend to the live points where those begin', () => {
    const persisted = [0, 1, 2].map((m) => ({ at: m * 1000, lag: m, timeLagMs: null }));
    const live = [1500, 2500].map((at) => ({ at, lag: 7, timeLagMs: null }));
    expect(trendOf(persisted, live).map((p) => p.at)).toEqual([0, 1000, 1500, 2500]);
    expect(trendOf(undefined, live)).toBe(live);
    expect(trendOf(persisted, [])).toBe(persisted);
  });
});
