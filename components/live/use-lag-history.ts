'use client';

import { useSyncExternalStore } from 'react';
import { appendLagReport, trendOf, type LagHistory, type LagHistorySnapshot, type LagPoint } from '../../lib/lag/lag-history';
import { lagHistoryStore, lagStore } from './use-latest';

/** Five minutes at the default poll interval: the live end of the trend, bounded in memory. */
const MAX_POINTS = 60;

let live: LagHistory = new Map();
let persisted: LagHistorySnapshot | null = null;
let trends: LagHistory = new Map();
let subscribed = false;
const listeners = new Set<() => void>();

/** Each group's trend: the gateway's 24 hours (lag.history) up to where this page's own polls begin. */
function recompute(): void {
  const byGroup = new Map(persisted?.groups.map((g) => [g.groupId, g.points]) ?? []);
  const next = new Map<string, readonly LagPoint[]>();
  for (const groupId of new Set([...byGroup.keys(), ...live.keys()])) next.set(groupId, trendOf(byGroup.get(groupId), live.get(groupId)));
  trends = next;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  if (!subscribed) {
    subscribed = true;
    const history = lagHistoryStore();
    persisted = history.getSnapshot();
    history.subscribe(() => {
      persisted = history.getSnapshot();
      recompute();
    });
    const store = lagStore();
    store.subscribe(() => {
      const report = store.getSnapshot();
      if (!report) return;
      live = appendLagReport(live, report, MAX_POINTS);
      recompute();
    });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const empty: LagHistory = new Map();

/** Each consumer group's lag over the last 24 hours, oldest first. */
export function useLagHistory(): LagHistory {
  return useSyncExternalStore(subscribe, () => trends, () => empty);
}
