import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

/** Listening addresses of the processes whose command line names `marker`. */
function listeningAddresses(marker: string): string[] {
  const pids = readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
  return execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => line.trim().split(/\s+/)[3]!);
}

/** Every server the stack starts listens on loopback only (this machine's rule, and good sense). */
describe('the local stack', () => {
  it('binds every listening socket of its broker and Flink JVMs to 127.0.0.1', async () => {
    const home = inject('stackHome');
    // The broker's two listeners, then Flink's once its mini-cluster is up.
    const deadline = Date.now() + 60_000;
    let listening = listeningAddresses(home);
    while (listening.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      listening = listeningAddresses(home);
    }
    expect(listening.length).toBeGreaterThanOrEqual(4);
    for (const address of listening) expect(address, address).toMatch(/^(\[::ffff:)?127\.0\.0\.1\]?:\d+$/);
  });
});
