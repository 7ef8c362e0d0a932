'use client';

import { useSyncExternalStore } from 'react';
import { appendLagReport, type LagHistory } from '../../lib/lag/lag-history';
import { lagStore } from './use-latest';

/** Five minutes at the default poll interval: enough to see a trend, bounded in memory. */
const MAX_POINTS = 60;

let history: LagHistory = new Map();
let subscribed = false;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  if (!subscribed) {
    subscribed = true;
    const store = lagStore();
    store.subscribe(() => {
      const report = store.getSnapshot();
      if (!report) return;
      history = appendLagReport(history, report, MAX_POINTS);
      for (const l of listeners) l();
    });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const empty: LagHistory = new Map();

/** Each consumer group's recent total lag, oldest first. */
export function useLagHistory(): LagHistory {
  return useSyncExternalStore(subscribe, () => history, () => empty);
}
