'use client';

import { useSyncExternalStore } from 'react';
import { AlertStore, type AlertFrame } from './alert-store';
import { liveSocket } from './socket-connection';

let store: AlertStore | null = null;

export function alertStore(): AlertStore {
  store ??= new AlertStore(liveSocket());
  return store;
}

const serverFrame = (): AlertFrame | null => null;
const noopSubscribe = (): (() => void) => () => undefined;

/** Fraud alerts with their triage; null while rendering on the server. */
export function useAlerts(): AlertFrame | null {
  const s = typeof window === 'undefined' ? null : alertStore();
  return useSyncExternalStore(s ? s.subscribe : noopSubscribe, s ? s.getSnapshot : serverFrame, serverFrame);
}
