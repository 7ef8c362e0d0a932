import { describe, expect, it } from 'vitest';
import { freshness } from './freshness';

describe('freshness', () => {
  it('waits until the stream first arrives', () => {
    expect(freshness(0, null, 10_000, 5_000)).toEqual({ state: 'waiting', ageMs: null });
  });

  it.each([
    ['recent message, no event time', 9_000, null, 'fresh', 1_000],
    ['message older than the threshold', 4_000, null, 'stale', 6_000],
    ['recent message carrying old data', 9_900, 3_000, 'stale', 7_000],
    ['recent message with recent data', 9_900, 9_000, 'fresh', 1_000],
    ['exactly at the threshold', 5_000, null, 'fresh', 5_000],
  ] as const)('%s', (_name, receivedAt, dataTime, state, ageMs) => {
    expect(freshness(receivedAt, dataTime, 10_000, 5_000)).toEqual({ state, ageMs });
  });

});
