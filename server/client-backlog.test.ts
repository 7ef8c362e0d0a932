import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ClientBacklog, decide } from './client-backlog';

const policy = { maxPendingPackets: 4, maxBehindMs: 10_000 };

function client() {
  const connection = new EventEmitter();
  const backlog = new ClientBacklog(connection);
  return {
    backlog,
    queue: (n: number) => {
      for (let i = 0; i < n; i++) connection.emit('packetCreate', {});
    },
    flush: (n: number) => connection.emit('flush', new Array(n).fill({})),
  };
}

describe('ClientBacklog', () => {
  it('counts packets created and not yet flushed', () => {
    const c = client();
    c.queue(5);
    c.flush(3);
    expect(c.backlog.pendingPackets).toBe(2);
    c.flush(9);
    expect(c.backlog.pendingPackets).toBe(0);
  });
});

describe('decide', () => {
  it('sends to a client that keeps up', () => {
    const c = client();
    c.queue(4);
    expect(decide(c.backlog, policy, 0)).toBe('send');
  });

  it('skips a client that falls behind, then gives it one snapshot once it drains', () => {
    const c = client();
    c.queue(9);
    expect(decide(c.backlog, policy, 1_000)).toBe('skip');
    expect(decide(c.backlog, policy, 2_000)).toBe('skip');
    c.flush(9);
    expect(decide(c.backlog, policy, 3_000)).toBe('snapshot');
    expect(decide(c.backlog, policy, 3_100)).toBe('send');
  });

  it('disconnects a client that stays behind past the limit', () => {
    const c = client();
    c.queue(9);
    expect(decide(c.backlog, policy, 1_000)).toBe('skip');
    expect(decide(c.backlog, policy, 11_000)).toBe('skip');
    expect(decide(c.backlog, policy, 11_001)).toBe('disconnect');
  });

  it('restarts the clock when a client catches up in between', () => {
    const c = client();
    c.queue(9);
    decide(c.backlog, policy, 1_000);
    c.flush(9);
    decide(c.backlog, policy, 5_000);
    c.queue(9);
    expect(decide(c.backlog, policy, 12_000)).toBe('skip');
    expect(decide(c.backlog, policy, 22_001)).toBe('disconnect');
  });
});
