import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LatestValueStore } from './latest-value-store';

describe('LatestValueStore', () => {
  it('asks on every connect, keeps the latest value and tells its listeners', () => {
    const socket = new EventEmitter();
    let asked = 0;
    const store = new LatestValueStore<number>((h) => socket.on('connect', h), () => asked++, (set) => socket.on('value', set), false);
    let told = 0;
    store.subscribe(() => told++);
    expect(store.getSnapshot()).toBeNull();
    socket.emit('connect');
    socket.emit('value', 41);
    socket.emit('value', 42);
    socket.emit('connect');
    expect(store.getSnapshot()).toBe(42);
    expect(told).toBe(2);
    expect(asked).toBe(2);
  });

  it('remembers when the last value arrived', () => {
    const socket = new EventEmitter();
    let now = 1_000;
    const store = new LatestValueStore<number>(() => undefined, () => undefined, (set) => socket.on('value', set), false, () => now);
    expect(store.receivedAt()).toBe(0);
    socket.emit('value', 1);
    now = 2_500;
    socket.emit('value', 2);
    expect(store.receivedAt()).toBe(2_500);
  });

  it('asks at once when already connected', () => {
    let asked = 0;
    new LatestValueStore<number>(() => undefined, () => asked++, () => undefined, true);
    expect(asked).toBe(1);
  });
});
