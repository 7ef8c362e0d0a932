import { describe, expect, it } from 'vitest';
import { verdict } from './summary';

describe('benchmark verdicts', () => {
  it('judges ratio targets on the ratio and millisecond targets on the value', () => {
    expect(verdict({ value: 150, ratio: 1.285, target: '<= 1.3' })).toBe('met');
    expect(verdict({ value: 150, ratio: 1.31, target: '<= 1.3' })).toBe('not met');
    expect(verdict({ value: 298_000, ratio: 0.349, target: '>= 0.8' })).toBe('not met');
    expect(verdict({ value: 1.0, ratio: 1.046, target: '< 1.10' })).toBe('met');
    expect(verdict({ value: 254, ratio: 1.61, target: 'client p99 <= 500 ms' })).toBe('met');
    expect(verdict({ value: 1_600, ratio: 1.1, target: 'client p99 <= 1,500 ms' })).toBe('not met');
    expect(verdict({ value: 48, ratio: 0.36, target: 'gateway <= 50 ms' })).toBe('met');
    expect(verdict({ value: 1, ratio: 1, target: 'report' })).toBeNull();
    expect(verdict({ value: 1, ratio: 0.3, target: 'lower is better' })).toBeNull();
  });
});
