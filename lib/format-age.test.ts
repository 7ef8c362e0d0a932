import { describe, expect, it } from 'vitest';
import { formatAge } from './format-age';

describe('formatAge', () => {
  it.each([
    [-50, '0.0 s'],
    [0, '0.0 s'],
    [300, '0.3 s'],
    [9_949, '9.9 s'],
    [12_400, '12 s'],
    [59_499, '59 s'],
    [61_000, '1 min'],
    [3_599_999, '59 min'],
    [7_300_000, '2 h'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
