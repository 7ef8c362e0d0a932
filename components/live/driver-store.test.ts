import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { encodeDrivers } from '../../lib/driver-wire';
import { DriverStore } from './driver-store';
import type { LiveSocket } from './socket-connection';

/** Enough of a Socket.IO client for the store: server events in, emitted events recorded. */
class FakeSocket extends EventEmitter {
  connected = false;
  sent: string[] = [];
  override emit(event: string, ..._args: unknown[]): boolean {
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

/** Frames as the gateway sends them, for drivers named by their dictionary index. */
const pos = (index: number, lon: number, ts = 1) => ({ index, lon, lat: 12.9, status: 2, headingDeg: 0, ts });
const snapshot = (seq: number, ids: string[], drivers: ReturnType<typeof pos>[]) => ({ seq, sentAt: 0, ids, data: encodeDrivers(drivers, [], 0) });
const delta = (seq: number, assigned: [number, string][], drivers: ReturnType<typeof pos>[], removals: number[] = []) => ({
  seq,
  sentAt: 0,
  assigned,
  data: encodeDrivers(drivers, removals, 0),
});

describe('DriverStore', () => {
  it('subscribes on connect and draws the snapshot', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    expect(socket.sent).toEqual(['drivers:subscribe']);
    socket.receive('drivers:snapshot', snapshot(4, ['a', 'b'], [pos(0, 77.1), pos(1, 77.2, 9)]));
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
    socket.receive('drivers:snapshot', snapshot(0, ['a'], [pos(0, 77.1)]));
    flush();
    const version = store.getSnapshot().version;
    socket.receive('drivers:delta', delta(1, [], [pos(0, 77.3)]));
    socket.receive('drivers:delta', delta(2, [[1, 'c']], [pos(1, 77.4)]));
    socket.receive('drivers:delta', delta(3, [], [], [1]));
    flush();
    const f = store.getSnapshot();
    expect(f.version).toBe(version + 1);
    expect(f.ids).toEqual(['a']);
    expect(f.positions[0]).toBeCloseTo(77.3, 4);
  });

  it('resubscribes when a delta is missing, and ignores deltas until the new snapshot', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('drivers:snapshot', snapshot(10, ['a'], [pos(0, 77.1)]));
    socket.receive('drivers:delta', delta(12, [], [pos(0, 77.9)]));
    socket.receive('drivers:delta', delta(13, [], [pos(0, 77.8)]));
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
    socket.receive('gateway:status', { ready: true, degraded: true, degradedStreams: ['drivers', 'alerts'], drivers: 0, newestEventTime: 0 });
    flush();
    expect(store.getSnapshot().degraded).toBe(true);
    expect(store.getSnapshot().degradedStreams).toEqual(['drivers', 'alerts']);
    socket.receive('gateway:status', { ready: true, degraded: false, degradedStreams: [], drivers: 0, newestEventTime: 0 });
    flush();
    expect(store.getSnapshot().degraded).toBe(false);
  });

  it('takes a delta that repeats dictionary entries its snapshot already had', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    // The snapshot was taken after 'b' arrived but before the delta that announces it.
    socket.receive('drivers:snapshot', snapshot(3, ['a', 'b'], [pos(0, 77.1), pos(1, 77.2)]));
    socket.receive('drivers:delta', delta(4, [[1, 'b'], [2, 'c']], [pos(1, 77.25), pos(2, 77.3)]));
    flush();
    expect(store.getSnapshot().ids).toEqual(['a', 'b', 'c']);
    expect(store.getSnapshot().resyncs).toBe(0);
  });

  it('resyncs when a delta assigns a slot no gateway gives out', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('drivers:snapshot', snapshot(0, ['a'], [pos(0, 77.1)]));
    socket.receive('drivers:delta', delta(1, [[2 ** 30, 'z']], [pos(0, 77.5)]));
    flush();
    expect(socket.sent).toEqual(['drivers:subscribe', 'drivers:subscribe']);
    expect(store.getSnapshot().ids).toEqual(['a']);
  });

  it('takes a freed slot over for a new driver, and shows no driver for a free slot', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('drivers:snapshot', snapshot(0, ['a', '', 'b'], [pos(0, 77.1), pos(2, 77.2)]));
    socket.receive('drivers:delta', delta(1, [], [], [0]));
    socket.receive('drivers:delta', delta(2, [[0, 'c'], [1, 'd']], [pos(0, 77.3), pos(1, 77.4)]));
    flush();
    expect(Object.fromEntries(store.getSnapshot().ids.map((id, i) => [id, store.getSnapshot().positions[2 * i]]))).toEqual({ b: Math.fround(77.2), c: Math.fround(77.3), d: Math.fround(77.4) });
    expect(store.getSnapshot().resyncs).toBe(0);
  });

  it('resyncs on a frame that does not decode instead of throwing', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('drivers:snapshot', snapshot(0, ['a'], [pos(0, 77.1)]));
    expect(() => socket.receive('drivers:delta', { seq: 1, sentAt: 0, assigned: [], data: new Uint8Array([1, 2, 3]) })).not.toThrow();
    flush();
    expect(store.getSnapshot().resyncs).toBe(1);
    expect(socket.sent.at(-1)).toBe('drivers:subscribe');
  });

  it('asks for a viewport, ignores deltas until its snapshot, and repeats it after a reconnect', () => {
    const { socket, store, flush } = setup();
    socket.connected = true;
    socket.receive('connect');
    socket.receive('drivers:snapshot', snapshot(0, ['a', 'b'], [pos(0, 77.1), pos(1, 77.9)]));
    const east = { west: 77.8, south: 12.8, east: 78, north: 13.2 };
    store.setViewport(east);
    store.setViewport({ ...east });
    socket.receive('drivers:delta', delta(1, [], [pos(0, 77.2)]));
    socket.receive('drivers:snapshot', snapshot(0, ['a', 'b'], [pos(1, 77.9)]));
    flush();
    expect(store.getSnapshot().ids).toEqual(['b']);
    expect(socket.sent).toEqual(['drivers:subscribe', 'drivers:viewport']);
    socket.receive('connect');
    expect(socket.sent.slice(-2)).toEqual(['drivers:viewport', 'drivers:subscribe']);
  });
});
