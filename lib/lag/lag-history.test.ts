import { describe, expect, it } from 'vitest';
import { appendLagReport, type LagHistory } from './lag-history';
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
