'use client';

import { useSyncExternalStore } from 'react';
import type { LagReport } from '../../lib/lag/lag-report';
import type { PipelineStatus } from '../../lib/pipeline-status';
import type { AnalyticsState } from '../../lib/protocol';
import { LatestValueStore } from './latest-value-store';
import { liveSocket } from './socket-connection';

let lag: LatestValueStore<LagReport> | null = null;
let pipeline: LatestValueStore<PipelineStatus> | null = null;
let analytics: LatestValueStore<AnalyticsState> | null = null;

const none = (): null => null;
const noopSubscribe = (): (() => void) => () => undefined;

function useLatest<T>(store: LatestValueStore<T> | null): T | null {
  return useSyncExternalStore(store ? store.subscribe : noopSubscribe, store ? store.getSnapshot : none, none);
}

/** The latest consumer-lag report; null until the first arrives (and on the server). */
export function useLag(): LagReport | null {
  if (typeof window !== 'undefined' && !lag) {
    const s = liveSocket();
    lag = new LatestValueStore<LagReport>((h) => s.on('connect', h), () => s.emit('lag:subscribe'), (set) => s.on('lag:report', set), s.connected);
  }
  return useLatest(lag);
}

/** The latest Flink job health; null until the first arrives (and on the server). */
export function usePipeline(): PipelineStatus | null {
  if (typeof window !== 'undefined' && !pipeline) {
    const s = liveSocket();
    pipeline = new LatestValueStore<PipelineStatus>((h) => s.on('connect', h), () => s.emit('pipeline:subscribe'), (set) => s.on('pipeline:status', set), s.connected);
  }
  return useLatest(pipeline);
}

/** The newest surge window per cell and the KPI minutes; null until the first arrives. */
export function useAnalytics(): AnalyticsState | null {
  if (typeof window !== 'undefined' && !analytics) {
    const s = liveSocket();
    analytics = new LatestValueStore<AnalyticsState>((h) => s.on('connect', h), () => s.emit('analytics:subscribe'), (set) => s.on('analytics:state', set), s.connected);
  }
  return useLatest(analytics);
}
