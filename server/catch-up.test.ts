import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CatchUp } from './catch-up';

const admin = (ends: Record<string, [number, string, string][]>) =>
  ({ fetchTopicOffsets: async (topic: string) => (ends[topic] ?? []).map(([partition, low, high]) => ({ partition, low, high, offset: high })) }) as unknown as Admin;

describe('CatchUp', () => {
  it('is done once every partition that had records is read to its end offset at start', async () => {
    const c = await CatchUp.at(admin({ a: [[0, '0', '10'], [1, '5', '5']], b: [[0, '0', '3']] }), ['a', 'b']);
    expect(c.progress).toEqual({ partitionsDone: 0, partitions: 2 });
    c.reached('a', 0, 9n);
    expect(c.done).toBe(false);
    c.reached('a', 0, 10n);
    c.reached('b', 0, 7n);
    expect(c.done).toBe(true);
    expect(c.progress).toEqual({ partitionsDone: 2, partitions: 2 });
  });

  it('is done at once when every partition is empty', async () => {
    expect((await CatchUp.at(admin({ a: [[0, '4', '4']] }), ['a'])).done).toBe(true);
  });
});
