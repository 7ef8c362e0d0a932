import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LatestValueStore } from './latest-value-store';

describe('LatestValueStore', () => {
  it('keeps the latest value and tells its listeners', () => {
    const socket = new EventEmitter();
    const store = new LatestValueStore<number>((set) => socket.on('value', set));
    let told = 0;
    store.subscribe(() => told++);
    expect(store.getSnapshot()).toBeNull();
    socket.emit('value', 41);
    socket.emit('value', 42);
    expect(store.getSnapshot()).toBe(42);
    expect(told).toBe(2);
  });

  it('remembers when the last value arrived', () => {
    const socket = new EventEmitter();
    let now = 1_000;
    const store = new LatestValueStore<number>((set) => socket.on('value', set), () => now);
    expect(store.receivedAt()).toBe(0);
    socket.emit('value', 1);
    now = 2_500;
    socket.emit('value', 2);
    expect(store.receivedAt()).toBe(2_500);
  });
});
