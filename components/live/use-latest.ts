'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LagHistorySnapshot } from '../../lib/lag/lag-history';
import type { LagReport } from '../../lib/lag/lag-report';
import type { PipelineStatus } from '../../lib/pipeline-status';
import type { AnalyticsState, GatewayStatus, PipelineData, SessionInfo } from '../../lib/protocol';
import { LatestValueStore } from './latest-value-store';
import { liveSocket } from './socket-connection';
import { SubscriptionRequests } from './subscription-requests';

const none = (): null => null;
const noopSubscribe = (): (() => void) => () => undefined;
const inBrowser = (): boolean => typeof window !== 'undefined';

function useLatest<T>(store: LatestValueStore<T> | null): T | null {
  return useSyncExternalStore(store ? store.subscribe : noopSubscribe, store ? store.getSnapshot : none, none);
}

type ValueEvent = 'lag:report' | 'lag:history' | 'pipeline:status' | 'pipeline:data' | 'analytics:state' | 'gateway:status' | 'session:info';
type SubscribeEvent = 'lag:subscribe' | 'pipeline:subscribe' | 'analytics:subscribe';

let requests: SubscriptionRequests<SubscribeEvent> | null = null;

/**
 * One store per stream, made on first use: it keeps the latest `event`, and has the page ask
 * with `subscribe` on every connect (none for streams the gateway sends everyone), once however
 * many stores listen to that subscription's answers.
 */
function streamStore<T>(subscribe: SubscribeEvent | null, event: ValueEvent): () => LatestValueStore<T> {
  let store: LatestValueStore<T> | null = null;
  return () => {
    const s = liveSocket();
    if (!store) {
      store = new LatestValueStore<T>((set) => s.on(event, set as never));
      if (subscribe) (requests ??= new SubscriptionRequests<SubscribeEvent>(s)).ask(subscribe);
    }
    return store;
  };
}

/** Who the gateway took this page for and which streams and actions it allows (sent on connect). */
export const sessionStore = streamStore<SessionInfo>(null, 'session:info');

/** Who this page is signed in as; null until the gateway says (and on the server). */
export function useSession(): SessionInfo | null {
  return useLatest(inBrowser() ? sessionStore() : null);
}

/** Why the gateway ended or refused this page's connection, for good: null while all is well. */
export interface AccessProblem {
  readonly kind: 'ended' | 'refused';
  readonly message: string;
  /** A signed-in user can sign in again; a screen needs a new token from an admin. */
  readonly signIn: boolean;
}

let problems: LatestValueStore<AccessProblem> | null = null;
export function accessProblemStore(): LatestValueStore<AccessProblem> {
  const s = liveSocket();
  problems ??= new LatestValueStore<AccessProblem>(
    (set) => {
      s.on('session:ended', (end) => {
        // An admin changed this person's role: the page is loaded again as the new role sees it.
        if (end.reason === 'role-changed') window.location.reload();
        set({ kind: 'ended', message: end.message, signIn: (end.reason === 'expired' || end.reason === 'signed-out') && sessionStore().getSnapshot()?.kind !== 'token' });
      });
      // A refusal by the gateway's middleware is final (socket.io-client does not retry it);
      // transport errors keep the socket active and are the reconnect banner's business.
      s.on('connect_error', (err) => {
        if (s.active) return;
        const [kind, ...rest] = err.message.split(': ');
        set({ kind: 'refused', message: rest.join(': ') || err.message, signIn: kind === 'unauthorized' && !new URLSearchParams(window.location.search).has('token') });
      });
    },
  );
  return problems;
}

export function useAccessProblem(): AccessProblem | null {
  return useLatest(inBrowser() ? accessProblemStore() : null);
}

/** The lag trend's last 24 hours, which the gateway sends on the lag subscription, before the report. */
export const lagHistoryStore = streamStore<LagHistorySnapshot>(null, 'lag:history');
const lagReportStore = streamStore<LagReport>('lag:subscribe', 'lag:report');
/** The consumer-lag report stream (the gateway sends it after every poll); the history listens before it subscribes. */
export const lagStore = (): LatestValueStore<LagReport> => {
  lagHistoryStore();
  return lagReportStore();
};
/** Flink job health (the gateway polls the mini-cluster's REST API). */
export const pipelineStore = streamStore<PipelineStatus>('pipeline:subscribe', 'pipeline:status');
/** Topic sizes and quarantined records (sent to pipeline subscribers with the Flink status). */
export const pipelineDataStore = streamStore<PipelineData>('pipeline:subscribe', 'pipeline:data');
/** The newest surge window per cell and the KPI minutes. */
export const analyticsStore = streamStore<AnalyticsState>('analytics:subscribe', 'analytics:state');
/** The gateway's once-a-second status: its arrival is the heartbeat of the connection. */
export const heartbeatStore = streamStore<GatewayStatus>(null, 'gateway:status');

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
