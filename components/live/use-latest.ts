'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LagReport } from '../../lib/lag/lag-report';
import type { PipelineStatus } from '../../lib/pipeline-status';
import type { AnalyticsState, GatewayStatus, PipelineData } from '../../lib/protocol';
import { LatestValueStore } from './latest-value-store';
import { liveSocket } from './socket-connection';

let lag: LatestValueStore<LagReport> | null = null;
let pipeline: LatestValueStore<PipelineStatus> | null = null;
let analytics: LatestValueStore<AnalyticsState> | null = null;
let heartbeat: LatestValueStore<GatewayStatus> | null = null;
let pipelineData: LatestValueStore<PipelineData> | null = null;

const none = (): null => null;
const noopSubscribe = (): (() => void) => () => undefined;
const inBrowser = (): boolean => typeof window !== 'undefined';

function useLatest<T>(store: LatestValueStore<T> | null): T | null {
  return useSyncExternalStore(store ? store.subscribe : noopSubscribe, store ? store.getSnapshot : none, none);
}

/** The consumer-lag report stream (the gateway sends it after every poll). */
export function lagStore(): LatestValueStore<LagReport> {
  const s = liveSocket();
  lag ??= new LatestValueStore<LagReport>((h) => s.on('connect', h), () => s.emit('lag:subscribe'), (set) => s.on('lag:report', set), s.connected);
  return lag;
}

/** Flink job health (the gateway polls the mini-cluster's REST API). */
export function pipelineStore(): LatestValueStore<PipelineStatus> {
  const s = liveSocket();
  pipeline ??= new LatestValueStore<PipelineStatus>((h) => s.on('connect', h), () => s.emit('pipeline:subscribe'), (set) => s.on('pipeline:status', set), s.connected);
  return pipeline;
}

/** Topic sizes and quarantined records (sent to pipeline subscribers with the Flink status). */
export function pipelineDataStore(): LatestValueStore<PipelineData> {
  const s = liveSocket();
  pipelineData ??= new LatestValueStore<PipelineData>((h) => s.on('connect', h), () => s.emit('pipeline:subscribe'), (set) => s.on('pipeline:data', set), s.connected);
  return pipelineData;
}

/** The newest surge window per cell and the KPI minutes. */
export function analyticsStore(): LatestValueStore<AnalyticsState> {
  const s = liveSocket();
  analytics ??= new LatestValueStore<AnalyticsState>((h) => s.on('connect', h), () => s.emit('analytics:subscribe'), (set) => s.on('analytics:state', set), s.connected);
  return analytics;
}

/** The gateway's once-a-second status: its arrival is the heartbeat of the connection. */
export function heartbeatStore(): LatestValueStore<GatewayStatus> {
  const s = liveSocket();
  heartbeat ??= new LatestValueStore<GatewayStatus>(() => undefined, () => undefined, (set) => s.on('gateway:status', set), false);
  return heartbeat;
}

/** The latest consumer-lag report; null until the first arrives (and on the server). */
export function useLag(): LagReport | null {
  return useLatest(inBrowser() ? lagStore() : null);
}

/** The latest Flink job health; null until the first arrives (and on the server). */
export function usePipeline(): PipelineStatus | null {
  return useLatest(inBrowser() ? pipelineStore() : null);
}

/** Topic sizes and dead letters; null until the first arrives (and on the server). */
export function usePipelineData(): PipelineData | null {
  return useLatest(inBrowser() ? pipelineDataStore() : null);
}

/** The newest surge window per cell and the KPI minutes; null until the first arrives. */
export function useAnalytics(): AnalyticsState | null {
  return useLatest(inBrowser() ? analyticsStore() : null);
}

/** The gateway's latest status; null until the first heartbeat. */
export function useHeartbeat(): GatewayStatus | null {
  return useLatest(inBrowser() ? heartbeatStore() : null);
}

/** The clock, ticking every `intervalMs`: re-renders ages and staleness without new data. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
