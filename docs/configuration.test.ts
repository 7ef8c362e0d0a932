import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stackEnvironment } from '../pipeline/stack/stack-config';
import { gatewayEnvironment } from '../server/config';

/** Variables the settings table documents: every `NAME` in its first column. */
function documented(): Set<string> {
  const text = readFileSync(fileURLToPath(new URL('./configuration.md', import.meta.url)), 'utf8');
  const rows = text.split('\n').filter((line) => line.startsWith('| `'));
  return new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)));
}

describe('docs/configuration.md', () => {
  const read = new Set([...stackEnvironment, ...gatewayEnvironment]);

  it('documents every variable the stack and the gateway read', () => {
    expect([...read].filter((name) => !documented().has(name))).toEqual([]);
  });

  it('documents no variable that neither reads', () => {
    expect([...documented()].filter((name) => !read.has(name))).toEqual([]);
  });
});
