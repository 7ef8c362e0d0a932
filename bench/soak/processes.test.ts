import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendants, slope } from './processes';

describe('slope', () => {
  it('is the least-squares gradient', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 5 }, { x: 1, y: 4 }, { x: 2, y: 6 }, { x: 3, y: 5 }])).toBeCloseTo(0.2);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
  });
});

describe('descendants', () => {
  it('finds a grandchild with its command line and memory', async () => {
    const child = spawn(process.execPath, ['-e', `require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000) /* soak-' + 'grandchild */'], { stdio: 'inherit' }); setTimeout(() => {}, 5000)`]);
    try {
      let found: ReturnType<typeof descendants> = [];
      // This child's own grandchild (a busy machine can take seconds to start it).
      for (let i = 0; i < 300 && found.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        found = descendants(process.pid).filter((p) => p.cmdline.includes('soak-grandchild') && p.ppid === child.pid);
      }
      expect(found).toHaveLength(1);
      expect(found[0]!.ppid).toBe(child.pid);
      // Read from /proc (a node that has only just started may not have much yet).
      expect(found[0]!.rssBytes).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
