'use client';

import { useSyncExternalStore } from 'react';
import type { LagReport } from '../../lib/lag/lag-report';
import { LagStore } from './lag-store';
import { liveSocket } from './socket-connection';

let store: LagStore | null = null;
const none = (): LagReport | null => null;
const noopSubscribe = (): (() => void) => () => undefined;

/** The latest lag report; null until the first one arrives (and on the server). */
export function useLag(): LagReport | null {
  const s = typeof window === 'undefined' ? null : (store ??= new LagStore(liveSocket()));
  return useSyncExternalStore(s ? s.subscribe : noopSubscribe, s ? s.getSnapshot : none, none);
}
