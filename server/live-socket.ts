import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { LagReport } from '../lib/lag/lag-report';
import type { PipelineStatus } from '../lib/pipeline-status';
import { SOCKET_PATH, type ActionResult, type ClientToServerEvents, type PipelineData, type ServerToClientEvents } from '../lib/protocol';
import type { AlertView } from './alert-view';
import type { AnalyticsView } from './analytics-view';
import type { BacklogPolicy } from './client-backlog';
import { DriverStream } from './driver-stream';
import type { DriverView } from './driver-view';
import type { GatewayMetrics } from './metrics';

const LAG_ROOM = 'lag';
const ALERTS_ROOM = 'alerts';
const ANALYTICS_ROOM = 'analytics';
/** Surge windows close every few seconds; screens need them no faster than this. */
const ANALYTICS_INTERVAL_MS = 1000;
const PIPELINE_ROOM = 'pipeline';

export interface LiveSocketOptions {
  readonly view: DriverView;
  readonly isReady: () => boolean;
  readonly isDegraded: () => boolean;
  readonly lagReport: () => LagReport;
  readonly pipelineStatus: () => PipelineStatus;
  readonly pipelineData: () => PipelineData;
  readonly alerts: AlertView;
  readonly analytics: AnalyticsView;
  /** Records a triage action for the operator `by`. */
  readonly submitAlertAction: (request: unknown, by: string) => Promise<ActionResult>;
  readonly deltaIntervalMs: number;
  readonly backlog: BacklogPolicy;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * Socket.IO delivery: drivers (see DriverStream), surge and KPIs (whole state on subscribe and
 * at most once a second after a change), alerts (snapshot, then changed alerts once per
 * interval, actions with an acknowledgement) and lag (the latest report on subscribe, then each
 * new one).
 */
export function attachLiveSocket(httpServer: HttpServer, o: LiveSocketOptions) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Clients send only tiny control events.
    maxHttpBufferSize: 16 * 1024,
    // Next's dev server shares this HTTP server and answers its own (HMR) upgrades.
    destroyUpgrade: false,
  });
  const drivers = new DriverStream(io, { view: o.view, backlog: o.backlog, metrics: o.metrics, log: o.log });
  const roomSize = (room: string): number => io.sockets.adapter.rooms.get(room)?.size ?? 0;

  io.on('connection', (socket) => {
    o.metrics.socketClients.inc();
    socket.on('disconnect', () => o.metrics.socketClients.dec());
    o.log.debug({ id: socket.id, address: socket.handshake.address }, 'client connected');
    drivers.attach(socket);
    socket.on('lag:subscribe', () => {
      void socket.join(LAG_ROOM);
      socket.emit('lag:report', o.lagReport());
      o.metrics.messagesOut.inc({ event: 'lag:report' });
    });
    socket.on('lag:unsubscribe', () => void socket.leave(LAG_ROOM));
    socket.on('pipeline:subscribe', () => {
      void socket.join(PIPELINE_ROOM);
      socket.emit('pipeline:status', o.pipelineStatus());
      socket.emit('pipeline:data', o.pipelineData());
    });
    socket.on('analytics:subscribe', () => {
      void socket.join(ANALYTICS_ROOM);
      socket.emit('analytics:state', o.analytics.state());
      o.metrics.messagesOut.inc({ event: 'analytics:state' });
    });
    socket.on('surge:window', (windowEnd, done) => {
      // Sent by any client: anything but a window end and a callback gets nothing.
      if (typeof done !== 'function') return;
      done(typeof windowEnd === 'number' && Number.isFinite(windowEnd) ? o.analytics.surgeAt(windowEnd) : null);
      o.metrics.messagesOut.inc({ event: 'surge:window' });
    });
    socket.on('alerts:subscribe', () => {
      void socket.join(ALERTS_ROOM);
      socket.emit('alerts:snapshot', o.alerts.snapshot());
      o.metrics.messagesOut.inc({ event: 'alerts:snapshot' });
    });
    socket.on('alerts:action', (request, done) => {
      // Validated in submitAlertAction; a client that sends no callback gets nothing back.
      if (typeof done !== 'function') return;
      o.submitAlertAction(request, operatorOf(socket)).then(done, (err: unknown) => {
        o.log.error({ err }, 'could not write an alert action');
        done({ ok: false, reason: 'the action could not be recorded; try again' });
      });
    });
  });

  const analytics = setInterval(() => {
    if (roomSize(ANALYTICS_ROOM) === 0) return;
    const state = o.analytics.takeChanged();
    if (!state) return;
    io.to(ANALYTICS_ROOM).emit('analytics:state', state);
    o.metrics.messagesOut.inc({ event: 'analytics:state' }, roomSize(ANALYTICS_ROOM));
  }, ANALYTICS_INTERVAL_MS);
  const deltas = setInterval(() => {
    const alerts = o.alerts.takeChanged();
    if (alerts.length > 0) {
      io.to(ALERTS_ROOM).emit('alerts:update', alerts);
      o.metrics.messagesOut.inc({ event: 'alerts:update' }, roomSize(ALERTS_ROOM));
    }
    o.metrics.conflated.inc(o.view.takeConflatedCount());
    drivers.tick(Date.now());
  }, o.deltaIntervalMs);

  const status = setInterval(() => {
    io.emit('gateway:status', { ready: o.isReady(), degraded: o.isDegraded(), drivers: o.view.size, newestEventTime: o.view.newestEventTime });
    o.metrics.messagesOut.inc({ event: 'gateway:status' }, io.engine.clientsCount);
  }, 1000);

  return {
    publishPipeline(status: PipelineStatus): void {
      io.to(PIPELINE_ROOM).emit('pipeline:status', status);
      o.metrics.messagesOut.inc({ event: 'pipeline:status' }, roomSize(PIPELINE_ROOM));
    },
    publishPipelineData(data: PipelineData): void {
      io.to(PIPELINE_ROOM).emit('pipeline:data', data);
      o.metrics.messagesOut.inc({ event: 'pipeline:data' }, roomSize(PIPELINE_ROOM));
    },
    publishLag(report: LagReport): void {
      io.to(LAG_ROOM).emit('lag:report', report);
      o.metrics.messagesOut.inc({ event: 'lag:report' }, roomSize(LAG_ROOM));
    },
    close: async () => {
      clearInterval(analytics);
      clearInterval(deltas);
      clearInterval(status);
      await io.close();
    },
  };
}

/**
 * Who is acting, as the client names itself in the handshake. Until sign-in exists (#7) this
 * is a label, not an identity.
 */
function operatorOf(socket: Socket): string {
  const name: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.operator;
  return typeof name === 'string' && /^[\w .@-]{1,64}$/.test(name) ? name : 'anonymous';
}
