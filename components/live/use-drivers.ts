'use client';

import { useSyncExternalStore } from 'react';
import { DriverStore, type DriverFrame } from './driver-store';
import { liveSocket } from './socket-connection';

let store: DriverStore | null = null;

export function driverStore(): DriverStore {
  store ??= new DriverStore(liveSocket());
  return store;
}

const serverFrame = (): DriverFrame | null => null;

/** The latest driver frame; null while rendering on the server. */
export function useDrivers(): DriverFrame | null {
  const s = typeof window === 'undefined' ? null : driverStore();
  return useSyncExternalStore(s ? s.subscribe : noopSubscribe, s ? s.getSnapshot : serverFrame, serverFrame);
}

const noopSubscribe = (): (() => void) => () => undefined;
