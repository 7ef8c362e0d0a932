import { describe, expect, it } from 'vitest';
import type { LagReport } from '../lag/lag-report';
import type { PipelineStatus } from '../pipeline-status';
import { NotificationRecord } from '../schemas/notification';
import { topics } from '../topics';
import { decide, flinkObservations, fraudObservations, lagObservations, streamObservations, type Observation } from './observations';

const report = (status: 'OK' | 'STOP'): LagReport => ({
  at: 1,
  groups: [{ groupId: 'g', state: 'Empty', members: 0, status, totalLag: 42, maxTimeLagMs: 9_000, partitions: [] }],
});
const alert = (alertId: string, score: number, detectedAt: number) => ({ alertId, rule: 'velocity' as const, score, last4: '4242', paymentIds: ['p1', 'p2'], detectedAt });
const job = (name: string, state: string): PipelineStatus['jobs'][number] => ({
  id: `id-${name}`, name, state, startedAt: 1, tasksRunning: state === 'RUNNING' ? 2 : 0, tasksTotal: 2,
  checkpoints: { completed: 1, failed: 0, lastCompletedAt: null, lastDurationMs: null }, restarts: 1, restoredFrom: null, recordsIn: 0, recordsOut: 0, watermark: null,
} as PipelineStatus['jobs'][number]);

describe('decide', () => {
  const stop = lagObservations(report('STOP'))[0]!;
  const ok = lagObservations(report('OK'))[0]!;

  it('records a healthy first sighting as a silent baseline, an unhealthy one as a change to announce', () => {
    expect(decide(undefined, ok, 10)).toMatchObject({ subject: 'lag:g', status: 'OK', notify: false });
    expect(decide(undefined, stop, 10)).toMatchObject({ subject: 'lag:g', status: 'STOP', notify: true, severity: 'critical', deliveredTo: [] });
  });

  it('says nothing while the status stays, and announces each change, the recovery too', () => {
    const first = decide(undefined, ok, 10)!;
    expect(decide(first, ok, 20)).toBeNull();
    const down = decide(first, stop, 30)!;
    expect(down).toMatchObject({ status: 'STOP', notify: true, at: 30 });
    expect(decide(down, stop, 40)).toBeNull();
    const up = decide(down, ok, 50)!;
    expect(up).toMatchObject({ status: 'OK', notify: true });
    expect(up.eventId).not.toBe(down.eventId);
  });

  it('on a notifier\'s first look, records what is wrong with a state it never saw change silently; events are still announced, dated when they happened', () => {
    expect(decide(undefined, stop, 10, true)).toMatchObject({ status: 'STOP', notify: false, at: 10 });
    const [fraud] = fraudObservations([alert('a1', 0.95, 100)], 0.8, 150, 60_000);
    expect(decide(undefined, fraud!, 150, true)).toMatchObject({ notify: true, at: 100, eventId: 'fraud:a1@100:velocity' });
    // A known subject's change is a change, first look or not.
    expect(decide(decide(undefined, ok, 10)!, stop, 20, true)).toMatchObject({ status: 'STOP', notify: true });
  });

  it('writes records the topic schema accepts', () => {
    for (const o of [stop, ok, ...fraudObservations([alert('a1', 0.95, 100)], 0.8, 100, 60_000)] as Observation[]) {
      expect(NotificationRecord.safeParse(decide(undefined, o, 5)).success).toBe(true);
    }
  });
});

describe('observations', () => {
  it('announce fraud alerts at or above the threshold and recent, with the last four digits only', () => {
    const seen = fraudObservations([alert('low', 0.79, 1000), alert('high', 0.8, 1000), alert('old', 0.99, 1000 - 600_001)], 0.8, 1000, 600_000);
    expect(seen.map((o) => o.subject)).toEqual(['fraud:high']);
    expect(seen[0]!.text).toContain('4242');
    expect(JSON.stringify(seen)).not.toMatch(/\d{6}/);
  });

  it('follow Flink jobs by name, and say nothing when the JobManager cannot be reached', () => {
    const status: PipelineStatus = { at: 1, reachable: true, error: null, jobs: [job('surge', 'RUNNING'), job('fraud', 'RESTARTING')] } as PipelineStatus;
    expect(flinkObservations(status).map((o) => [o.subject, o.status, o.healthy])).toEqual([
      ['flink:surge', 'RUNNING', true],
      ['flink:fraud', 'RESTARTING', false],
    ]);
    expect(flinkObservations({ ...status, reachable: false })).toEqual([]);
  });

  it('call a processed stream stale past its panel threshold (the wall badge), and a stream that never moved nothing', () => {
    const now = 1_000_000;
    const last: Record<string, number> = { [topics.driversPositions.name]: now - 10_001, [topics.surgeCells.name]: now - 1_000 };
    const seen = streamObservations((t) => last[t] ?? 0, now);
    expect(seen.map((o) => [o.subject, o.status])).toEqual([
      [`stream:${topics.driversPositions.name}`, 'stale'],
      [`stream:${topics.surgeCells.name}`, 'fresh'],
    ]);
  });
});
