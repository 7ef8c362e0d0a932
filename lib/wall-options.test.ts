import { describe, expect, it } from 'vitest';
import { rotationSeconds } from './wall-options';

describe('rotationSeconds', () => {
  it.each([
    [undefined, null],
    ['30', 30],
    [['20', '40'], 20],
    ['4', null],
    ['601', null],
    ['1e3', null],
    ['-10', null],
    ['', null],
  ] as const)('%j gives %j', (value, seconds) => {
    expect(rotationSeconds(value as string | string[] | undefined)).toBe(seconds);
  });
});
