import { describe, expect, it } from 'vitest';
import { OffsetClock } from './offset-clock';

describe('OffsetClock', () => {
  it('places an offset between the polls around it, spread evenly', () => {
    const clock = new OffsetClock();
    clock.observe('t', 0, 100, 1_000);
    clock.observe('t', 0, 200, 2_000);
    // Offset 149 is the 50th of the 100 records appended between the two polls.
    expect(clock.appendedAt('t', 0, 149)).toBe(1_500);
    expect(clock.appendedAt('t', 0, 199)).toBe(2_000);
  });

  it('knows nothing of offsets before the watch began, nor of ones not yet written', () => {
    const clock = new OffsetClock();
    clock.observe('t', 0, 100, 1_000);
    clock.observe('t', 0, 200, 2_000);
    expect(clock.appendedAt('t', 0, 50)).toBeNull();
    expect(clock.appendedAt('t', 0, 200)).toBeNull();
    expect(clock.appendedAt('t', 1, 150)).toBeNull();
  });

  it('dates a stalled end by when it last moved, not by the polls since', () => {
    const clock = new OffsetClock();
    clock.observe('t', 0, 0, 0);
    clock.observe('t', 0, 10, 1_000);
    for (let at = 2_000; at <= 60_000; at += 1_000) clock.observe('t', 0, 10, at);
    clock.observe('t', 0, 20, 61_000);
    // Offsets 10..19 were appended after 60 s (the last poll still at 10), not spread over the minute.
    expect(clock.appendedAt('t', 0, 5)).toBe(600);
    expect(clock.appendedAt('t', 0, 19)).toBe(61_000);
    expect(clock.appendedAt('t', 0, 10)).toBe(60_100);
  });

  it('keeps a bounded window per partition and forgets partitions it is told to', () => {
    const clock = new OffsetClock(3);
    for (let i = 1; i <= 10; i++) clock.observe('t', 0, i * 10, i * 1_000);
    expect(clock.appendedAt('t', 0, 85)).toBe(8_600);
    expect(clock.appendedAt('t', 0, 75)).toBeNull();
    clock.observe('gone', 0, 1, 1);
    clock.retain((topic) => topic !== 'gone');
    expect(clock.partitions).toBe(1);
  });

  it('starts over when a log end goes back (the topic was recreated)', () => {
    const clock = new OffsetClock();
    clock.observe('t', 0, 100, 1_000);
    clock.observe('t', 0, 5, 2_000);
    clock.observe('t', 0, 15, 3_000);
    expect(clock.appendedAt('t', 0, 9)).toBe(2_500);
    expect(clock.appendedAt('t', 0, 50)).toBeNull();
  });
});
