import { describe, expect, it } from 'vitest';
import type { NotifySink } from '../lib/schemas/notify-sink';
import { MAX_SINKS, NotifySinkDirectory } from './notify-sinks';

const env = [{ id: 'webhook', format: 'json', url: 'https://env.test/h', since: 0, source: 'environment' }] as const;
const record = (id: string, createdAt = 1_000): NotifySink => ({ id, format: 'json', url: `https://${id}.test/h`, createdAt, updatedAt: createdAt, updatedBy: 'admin' });

describe('the notification sink directory', () => {
  it('follows the topic: a record adds or changes a sink, a tombstone removes it, and each change is told', () => {
    const d = new NotifySinkDirectory(env, async () => undefined);
    let changes = 0;
    d.onChanged = () => changes++;
    expect(d.apply('ops', record('ops'))).toBe('applied');
    expect(d.sinks().map((s) => [s.id, s.source, s.since])).toEqual([['webhook', 'environment', 0], ['ops', 'admin', 1_000]]);
    d.apply('ops', null);
    d.apply('ops', null);
    expect(d.sinks().map((s) => s.id)).toEqual(['webhook']);
    expect(changes).toBe(2);
  });

  it('never lets a topic record replace or remove a sink of the environment', () => {
    const d = new NotifySinkDirectory(env, async () => undefined);
    expect(d.apply('webhook', { ...record('webhook'), url: 'https://evil.test/' })).toMatchObject({ invalid: expect.stringMatching(/environment/) });
    expect(d.apply('webhook', null)).toMatchObject({ invalid: expect.any(String) });
    expect(d.get('webhook')?.url).toBe('https://env.test/h');
  });

  it(`holds at most ${MAX_SINKS} sinks whatever the topic holds; a known one may still change`, () => {
    const d = new NotifySinkDirectory(env, async () => undefined);
    for (let i = 0; i < 40; i++) d.apply(`s-${i}`, record(`s-${i}`));
    expect(d.size).toBe(MAX_SINKS);
    expect(d.apply('s-0', { ...record('s-0'), url: 'https://new.test/' })).toBe('applied');
    expect(d.get('s-0')?.url).toBe('https://new.test/');
  });

  it('writes before it applies, and keeps a changed sink\'s creation time', async () => {
    const written: [string, NotifySink | null][] = [];
    let now = 5_000;
    const d = new NotifySinkDirectory([], async (id, s) => void written.push([id, s]), { now: () => now });
    await d.put('ops', 'slack', 'https://hooks.test/a', 'ana');
    now = 9_000;
    await d.put('ops', 'json', 'https://hooks.test/b', 'bo');
    expect(written.map(([, s]) => [s?.createdAt, s?.updatedAt, s?.updatedBy])).toEqual([[5_000, 5_000, 'ana'], [5_000, 9_000, 'bo']]);
    expect(await d.remove('ops')).toBe(true);
    expect(await d.remove('ops')).toBe(false);
    expect(written.at(-1)).toEqual(['ops', null]);
    const failing = new NotifySinkDirectory([], async () => Promise.reject(new Error('kafka down')));
    await expect(failing.put('x', 'json', 'https://a.test/', 'ana')).rejects.toThrow('kafka down');
    expect(failing.size).toBe(0);
  });
});
