import { describe, expect, it } from 'vitest';
import type { LagSample } from './lag-sample';
import { partitionStatus, worstStatus, type LagStatus, type PartitionContext } from './partition-status';

/** A window from [committed, end] pairs, one sample every 5 s. */
const w = (...pairs: [number | null, number][]): LagSample[] => pairs.map(([committed, end], i) => ({ at: i * 5_000, committed, end }));

const active = { live: 'yes', windowFull: true } as const;
const empty = { live: 'unknown', windowFull: true } as const;
const gone = { live: 'no', windowFull: true } as const;

describe('partitionStatus', () => {
  it.each<[string, LagSample[], PartitionContext, LagStatus]>([
    ['OK when lag touched zero in the window', w([10, 20], [20, 20], [25, 40]), active, 'OK'],
    ['OK while lag shrinks', w([0, 100], [40, 120], [90, 130], [130, 140]), active, 'OK'],
    ['OK with too few samples to judge', w([0, 100], [0, 150]), active, 'OK'],
    ['OK while the window is still filling, however stuck it looks, when nobody knows whether a consumer runs', w([50, 100], [50, 100], [50, 180]), { live: 'unknown', windowFull: false }, 'OK'],
    ['REWIND even before the window is full', w([500, 600], [100, 600], [150, 620]), { live: 'yes', windowFull: false }, 'REWIND'],
    ['STOP within two polls for a group known to have no consumer, while its topic moves', w([50, 100], [50, 130]), { live: 'no', windowFull: false }, 'STOP'],
    ['not STOP at once when the topic does not move (the full-window rule decides)', w([50, 100], [50, 100]), { live: 'no', windowFull: false }, 'OK'],
    ['STOP, not WARN, for a consumer-less group behind a growing topic', w([0, 100], [50, 200], [100, 300], [100, 400]), gone, 'STOP'],
    ['not STOP at once for a member-less group that may commit without joining', w([50, 100], [50, 130]), { live: 'unknown', windowFull: false }, 'OK'],
    ['STALL, not STOP, for a running Flink job whose offset is frozen', w([50, 100], [50, 150], [50, 200], [50, 250]), active, 'STALL'],
    ['OK with jittery steady lag (a Flink source committing per checkpoint)', w([90, 100], [195, 200], [290, 310], [400, 405]), empty, 'OK'],
    ['WARN when the consumer moves but lag keeps growing', w([0, 100], [50, 200], [100, 300], [150, 400]), active, 'WARN'],
    ['STALL when members are there and the offset is stuck while lag grows', w([50, 100], [50, 150], [50, 200], [50, 250]), active, 'STALL'],
    ['STALL when the offset is stuck and lag holds', w([50, 100], [50, 100], [50, 100]), active, 'STALL'],
    ['STOP when the group has no members and the offset is stuck with lag', w([50, 100], [50, 100], [50, 180]), empty, 'STOP'],
    ['not STOP for a member-less group whose offset moves', w([50, 100], [100, 150], [140, 180], [170, 200]), empty, 'OK'],
    ['REWIND when the committed offset goes backwards', w([500, 600], [100, 600], [150, 620]), active, 'REWIND'],
    ['ERR when the group has no offset for the partition', w([null, 100], [null, 120], [null, 130]), active, 'ERR'],
    ['ERR when the committed offset is past the log end', w([10, 20], [30, 25], [700, 30]), active, 'ERR'],
    ['OK for an empty window', [], active, 'OK'],
  ])('%s', (_name, window, ctx, status) => {
    expect(partitionStatus(window, ctx)).toBe(status);
  });
});

describe('worstStatus', () => {
  it.each<[LagStatus[], LagStatus]>([
    [[], 'OK'],
    [['OK', 'WARN', 'OK'], 'WARN'],
    [['WARN', 'STALL', 'REWIND'], 'STALL'],
    [['STOP', 'ERR'], 'ERR'],
  ])('%j rolls up to %s', (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });
});
