import { principalMaySubscribe } from '../lib/access';
import type { AnalyticsState } from '../lib/protocol';
import type { AnalyticsView } from './analytics-view';
import type { LiveClient, LiveServer } from './live-types';
import type { GatewayMetrics } from './metrics';
import { roomSize } from './socket-rooms';
import { principalOf, type SocketAccess } from './socket-access';

/** Surge and KPIs travel together; a token that may see only one of them gets that half. */
type AnalyticsScope = 'both' | 'surge' | 'kpis';
const scopes = ['both', 'surge', 'kpis'] as const;
const analyticsRoom = (scope: AnalyticsScope): string => `analytics:${scope}`;
const scoped = (state: AnalyticsState, scope: AnalyticsScope): AnalyticsState =>
  scope === 'both' ? state : scope === 'surge' ? { ...state, kpis: [] } : { ...state, surge: { windowEnd: null, cells: [], windowEnds: [] } };

/** Surge and KPIs on the socket: the whole state on subscribe, then after a change; earlier surge windows on request. */
export class AnalyticsSocket {
  constructor(
    private readonly io: LiveServer,
    private readonly o: { readonly analytics: AnalyticsView; readonly access: SocketAccess; readonly metrics: GatewayMetrics },
  ) {}

  attach(socket: LiveClient): void {
    socket.on('analytics:subscribe', () => {
      const p = principalOf(socket);
      const surge = principalMaySubscribe(p, 'surge');
      const kpis = principalMaySubscribe(p, 'kpis');
      if (!surge && !kpis) return void this.o.access.maySubscribe(socket, 'kpis');
      const scope: AnalyticsScope = surge && kpis ? 'both' : surge ? 'surge' : 'kpis';
      void socket.join(analyticsRoom(scope));
      socket.emit('analytics:state', scoped(this.o.analytics.state(), scope));
      this.o.metrics.messagesOut.inc({ event: 'analytics:state' });
    });
    socket.on('surge:window', (windowEnd, done) => {
      // Sent by any client: anything but a window end and a callback gets nothing.
      if (typeof done !== 'function') return;
      if (!this.o.access.maySubscribe(socket, 'surge')) return done(null);
      done(typeof windowEnd === 'number' && Number.isFinite(windowEnd) ? this.o.analytics.surgeAt(windowEnd) : null);
      this.o.metrics.messagesOut.inc({ event: 'surge:window' });
    });
  }

  /** The state, if it changed since the last tick, to every scope with a subscriber. */
  tick(): void {
    const rooms = scopes.filter((scope) => roomSize(this.io, analyticsRoom(scope)) > 0);
    if (rooms.length === 0) return;
    const state = this.o.analytics.takeChanged();
    if (!state) return;
    for (const scope of rooms) {
      this.io.to(analyticsRoom(scope)).emit('analytics:state', scoped(state, scope));
      this.o.metrics.messagesOut.inc({ event: 'analytics:state' }, roomSize(this.io, analyticsRoom(scope)));
    }
  }
}
