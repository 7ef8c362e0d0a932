import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DriverTuple } from '../../lib/protocol';
import { DriverStore } from './driver-store';
import type { LiveSocket } from './socket-connection';

/** Enough of a Socket.IO client for the store: server events in, emitted events recorded. */
class FakeSocket extends EventEmitter {
  connected = false;
  sent: string[] = [];
  override emit(event: string, ...args: unknown[]): boolean {
    this.sent.push(event);
    return true;
  }
  receive(event: string, payload?: unknown): void {
    super.emit(event, payload);
  }
}

function setup() {
  const socket = new FakeSocket();
  const frames: (() => void)[] = [];
  const store = new DriverStore(socket as unknown as LiveSocket, (cb) => frames.push(cb), () => 1_000);
  const flush = () => frames.splice(0).forEach((cb) => cb());
  return { socket, store, flush };
}

const t = (id: string, lon: number, ts = 1): DriverTuple => [id, lon, 12.9, 2, 0, ts];

describe('DriverStore', () => {
  it('subscribes on connect and draws the snapshot', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    expect(socket.sent).toEqual(['drivers:subscribe']);
    socket.receive('drivers:snapshot', { seq: 4, sentAt: 0, drivers: [t('a', 77.1), t('b', 77.2, 9)] });
    flush();
    const f = store.getSnapshot();
    expect(f.count).toBe(2);
    expect([...f.positions]).toEqual([expect.closeTo(77.1, 4), expect.closeTo(12.9, 4), expect.closeTo(77.2, 4), expect.closeTo(12.9, 4)]);
    expect(f.connection).toBe('live');
    expect(f.newestEventTime).toBe(9);
    expect(f.receivedAt).toBe(1_000);
  });

  it('applies deltas in sequence and builds one frame per animation frame', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('drivers:snapshot', { seq: 0, sentAt: 0, drivers: [t('a', 77.1)] });
    flush();
    const version = store.getSnapshot().version;
    socket.receive('drivers:delta', { seq: 1, sentAt: 0, upserts: [t('a', 77.3)], removals: [] });
    socket.receive('drivers:delta', { seq: 2, sentAt: 0, upserts: [t('c', 77.4)], removals: [] });
    socket.receive('drivers:delta', { seq: 3, sentAt: 0, upserts: [], removals: ['c'] });
    flush();
    const f = store.getSnapshot();
    expect(f.version).toBe(version + 1);
    expect(f.ids).toEqual(['a']);
    expect(f.positions[0]).toBeCloseTo(77.3, 4);
  });

  it('resubscribes when a delta is missing, and ignores deltas until the new snapshot', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('drivers:snapshot', { seq: 10, sentAt: 0, drivers: [t('a', 77.1)] });
    socket.receive('drivers:delta', { seq: 12, sentAt: 0, upserts: [t('a', 77.9)], removals: [] });
    socket.receive('drivers:delta', { seq: 13, sentAt: 0, upserts: [t('a', 77.8)], removals: [] });
    flush();
    expect(socket.sent).toEqual(['drivers:subscribe', 'drivers:subscribe']);
    expect(store.getSnapshot().positions[0]).toBeCloseTo(77.1, 4);
    expect(store.getSnapshot().resyncs).toBe(1);
  });

  it('shows reconnecting while the socket is down', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('disconnect');
    flush();
    expect(store.getSnapshot().connection).toBe('reconnecting');
  });

  it('shows when the gateway reports itself degraded, and when it recovers', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('gateway:status', { ready: true, degraded: true, drivers: 0, newestEventTime: 0 });
    flush();
    expect(store.getSnapshot().degraded).toBe(true);
    socket.receive('gateway:status', { ready: true, degraded: false, drivers: 0, newestEventTime: 0 });
    flush();
    expect(store.getSnapshot().degraded).toBe(false);
  });
});
