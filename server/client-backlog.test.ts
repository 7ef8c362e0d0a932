import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ClientBacklog, decide } from './client-backlog';
import { KernelSendQueues } from './kernel-send-queues';

const policy = { maxPendingPackets: 4, maxBehindMs: 10_000, maxUnsentMs: 1000, minUnsentBytes: 64 * 1024 };

/** A websocket connection as engine.io holds it, with bytes waiting in `ws`, in the kernel and in engine.io. */
function client() {
  const ws = { bufferedAmount: 0, _socket: { remoteAddress: '::ffff:127.0.0.1', remotePort: 50_000, localPort: 3000 } };
  const connection = Object.assign(new EventEmitter(), { writeBuffer: [] as { data?: unknown }[], transport: { socket: ws } });
  const kernel = { bytes: 0 };
  const queues = { queuedAt: (key: string) => (key === KernelSendQueues.keyOf(ws._socket) ? kernel.bytes : null) } as unknown as KernelSendQueues;
  const backlog = new ClientBacklog(connection, queues);
  return {
    backlog,
    ws,
    kernel,
    connection,
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

  it('adds up the bytes engine.io, ws and the kernel hold for the client', () => {
    const c = client();
    c.ws.bufferedAmount = 1000;
    c.kernel.bytes = 20_000;
    c.connection.writeBuffer.push({ data: 'x'.repeat(300) }, { data: new Uint8Array(700) }, {});
    expect(c.backlog.unsentBytes()).toBe(22_000);
  });

  it('cannot read bytes of a connection without a websocket (polling)', () => {
    const backlog = new ClientBacklog(new EventEmitter());
    expect(backlog.unsentBytes()).toBeNull();
  });

  it('takes the recent rate over the last five seconds', () => {
    const c = client();
    c.backlog.sent(50_000, 10_000);
    c.backlog.sent(50_000, 11_500);
    expect(c.backlog.recentRate(12_000)).toBe(20_000);
    expect(c.backlog.recentRate(14_999)).toBe(20_000);
    expect(c.backlog.recentRate(15_000)).toBe(10_000);
    expect(c.backlog.recentRate(60_000)).toBe(0);
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

  it('skips a client with more unsent bytes than a second of its own traffic, once past the floor', () => {
    const c = client();
    // 57 KB a second: a whole city of 3,000 drivers.
    for (let t = 0; t < 5_000; t += 150) c.backlog.sent(8_550, t);
    c.kernel.bytes = 60 * 1024;
    expect(decide(c.backlog, policy, 5_000)).toBe('send');
    c.kernel.bytes = 70 * 1024;
    expect(decide(c.backlog, policy, 5_100)).toBe('skip');
    // A client sent 20,000 drivers a second may hold more before it counts as behind.
    const big = client();
    for (let t = 0; t < 5_000; t += 150) big.backlog.sent(57_000, t);
    big.kernel.bytes = 300 * 1024;
    expect(decide(big.backlog, policy, 5_000)).toBe('send');
    big.kernel.bytes = 400 * 1024;
    expect(decide(big.backlog, policy, 5_100)).toBe('skip');
  });

  it('gives a client behind on bytes its snapshot once the kernel has drained, and cuts it if it never does', () => {
    const c = client();
    c.kernel.bytes = 200 * 1024;
    expect(decide(c.backlog, policy, 1_000)).toBe('skip');
    c.kernel.bytes = 0;
    expect(decide(c.backlog, policy, 2_000)).toBe('snapshot');
    c.kernel.bytes = 200 * 1024;
    expect(decide(c.backlog, policy, 3_000)).toBe('skip');
    expect(decide(c.backlog, policy, 13_001)).toBe('disconnect');
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
