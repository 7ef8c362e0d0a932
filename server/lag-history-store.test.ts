import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LAG_HISTORY_MINUTE_MS, LAG_HISTORY_SPAN_MS, LAG_HISTORY_WIRE_STEP_MS } from '../lib/lag/lag-history';
import type { GroupLag, LagReport } from '../lib/lag/lag-report';
import { LagHistoryPoint } from '../lib/schemas/lag-history-point';
import { LagHistoryStore, MAX_HISTORY_GROUPS } from './lag-history-store';

const MIN = LAG_HISTORY_MINUTE_MS;
const group = (groupId: string, totalLag: number): GroupLag => ({ groupId, state: 'Stable', members: 1, status: 'OK', totalLag, maxTimeLagMs: totalLag * 10, partitions: [] });
const report = (at: number, ...groups: GroupLag[]): LagReport => ({ at, groups });

/** A store whose writes land in `written` (or fail, when `failing`), on a clock the test moves. */
function store(now: { t: number }, failing = false) {
  const written: { key: string; value: unknown }[] = [];
  const counted: string[] = [];
  const s = new LagHistoryStore({
    // Never started here: no consumer is made.
    kafka: {} as Kafka,
    groupId: 'test',
    log: pino({ level: 'silent' }),
    count: (_topic, outcome) => counted.push(outcome),
    clock: { now: () => now.t },
    write: async (key, value) => {
      if (failing) throw new Error('broker gone');
      written.push({ key, value: JSON.parse(value) as unknown });
    },
  });
  return { s, written, counted };
}

describe('LagHistoryStore', () => {
  it("writes each group's closed minute once, under a key of group and minute, in the topic's schema", async () => {
    const now = { t: 100 * MIN };
    const { s, written } = store(now);
    for (let i = 0; i < 36; i++) {
      now.t = 100 * MIN + i * 5_000;
      s.record(report(now.t, group('a', i), group('b', 1)));
    }
    await Promise.resolve();
    expect(written.map((w) => w.key)).toEqual([`a@${100 * MIN}`, `b@${100 * MIN}`, `a@${101 * MIN}`, `b@${101 * MIN}`]);
    expect(written.map((w) => LagHistoryPoint.parse(w.value))).toEqual([
      { groupId: 'a', at: 100 * MIN, lag: 11, timeLagMs: 110 },
      { groupId: 'b', at: 100 * MIN, lag: 1, timeLagMs: 10 },
      { groupId: 'a', at: 101 * MIN, lag: 23, timeLagMs: 230 },
      { groupId: 'b', at: 101 * MIN, lag: 1, timeLagMs: 10 },
    ]);
  });

  it('sends 24 hours at five-minute resolution, nothing older', () => {
    const now = { t: 0 };
    const { s } = store(now);
    const start = 1000 * MIN;
    // 25 hours of minutes.
    for (let m = 0; m <= 25 * 60; m++) {
      now.t = start + m * MIN;
      s.record(report(now.t, group('g', m % 7)));
    }
    const [g] = s.snapshot().groups;
    expect(g!.groupId).toBe('g');
    // The closed minutes of the last 24 hours, which here begin on a five-minute boundary.
    expect(s.size).toBe(24 * 60);
    expect(g!.points.length).toBe(LAG_HISTORY_SPAN_MS / LAG_HISTORY_WIRE_STEP_MS);
    expect(g!.points[0]!.at).toBe(now.t - LAG_HISTORY_SPAN_MS);
    // Each point is the largest of its five minutes.
    const lagAt = (at: number) => ((at - start) / MIN) % 7;
    expect(g!.points.map((p) => p.lag)).toEqual(g!.points.map((p) => Math.max(...[0, 1, 2, 3, 4].map((i) => lagAt(p.at + i * MIN)))));
  });

  it('keeps at most MAX_HISTORY_GROUPS groups, forgetting the one quiet longest', () => {
    const now = { t: 10 * MIN };
    const { s } = store(now);
    for (let i = 0; i <= MAX_HISTORY_GROUPS; i++) {
      now.t = 10 * MIN + i * MIN;
      // Each group reports once; the next minute's report closes it.
      s.record(report(now.t, group(`g${i}`, 1)));
    }
    now.t += MIN;
    s.record(report(now.t));
    const groups = s.snapshot().groups.map((g) => g.groupId);
    expect(groups.length).toBe(MAX_HISTORY_GROUPS);
    expect(groups).not.toContain('g0');
    expect(groups).toContain(`g${MAX_HISTORY_GROUPS}`);
  });

  it('keeps a minute it could not write, and counts the failure instead of throwing', async () => {
    const now = { t: 5 * MIN };
    const { s, counted } = store(now, true);
    s.record(report(now.t, group('a', 3)));
    now.t += MIN;
    expect(() => s.record(report(now.t, group('a', 4)))).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(counted).toContain('write-failed');
    expect(s.snapshot().groups[0]!.points).toEqual([{ at: 5 * MIN, lag: 3, timeLagMs: 30 }]);
  });
});
