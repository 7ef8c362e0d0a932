import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { LagReport } from '../lib/lag/lag-report';
import type { PipelineStatus } from '../lib/pipeline-status';
import { actions as actionNames, maySubscribe, principalMaySubscribe, roles, type Action, type Principal, type Role } from '../lib/access';
import { protectionClassOf, showAlertRecord, showPipelineData } from '../lib/protection';
import { SOCKET_PATH, type ActionResult, type AlertRecord, type AnalyticsState, type ClientToServerEvents, type PipelineData, type ServerToClientEvents } from '../lib/protocol';
import type { AlertView } from './alert-view';
import type { AuditView } from './audit';
import type { AnalyticsView } from './analytics-view';
import type { BacklogPolicy } from './client-backlog';
import { DriverStream } from './driver-stream';
import type { DriverView } from './driver-view';
import type { GatewayMetrics } from './metrics';
import { MAX_CLIENT_FRAME_BYTES, watchRefusedFrames } from './refused-frames';
import { principalOf, type SocketAccess } from './socket-access';

const LAG_ROOM = 'lag';
const AUDIT_ROOM = 'audit';
/** Surge windows close every few seconds; screens need them no faster than this. */
const ANALYTICS_INTERVAL_MS = 1000;
/**
 * Streams whose content differs by role go to one room per protection class (lib/protection.ts):
 * each room gets its own projection, so a frame never carries more than its receivers may see.
 */
const classRoom = (stream: string, role: Role): string => `${stream}:${protectionClassOf(role)}`;
/** One role per protection class: whose projection a class room gets. */
const classes = [...new Map(roles.map((r) => [protectionClassOf(r), r])).values()];
/** Surge and KPIs travel together; a token that may see only one of them gets that half. */
type AnalyticsScope = 'both' | 'surge' | 'kpis';
const analyticsRoom = (scope: AnalyticsScope): string => `analytics:${scope}`;
const scoped = (state: AnalyticsState, scope: AnalyticsScope): AnalyticsState =>
  scope === 'both' ? state : scope === 'surge' ? { ...state, kpis: [] } : { ...state, surge: { windowEnd: null, cells: [], windowEnds: [] } };

export interface LiveSocketOptions {
  readonly view: DriverView;
  readonly isReady: () => boolean;
  /** Names of the gateway's streams that are not receiving from Kafka. */
  readonly degradedStreams: () => readonly string[];
  readonly lagReport: () => LagReport;
  readonly pipelineStatus: () => PipelineStatus;
  readonly pipelineData: () => PipelineData;
  readonly alerts: AlertView;
  readonly analytics: AnalyticsView;
  readonly audit: AuditView;
  readonly access: SocketAccess;
  /** Records a triage action for the operator `by`. */
  readonly submitAlertAction: (request: unknown, by: string) => Promise<ActionResult>;
  /** Writes an accepted or refused triage action to the audit trail. */
  readonly recordAlertAction: (who: Principal, from: string, action: string, alertId: string, result: ActionResult) => void;
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
    maxHttpBufferSize: MAX_CLIENT_FRAME_BYTES,
    // Our clients speak WebSocket only; without long-polling every frame passes the size check above.
    transports: ['websocket'],
    // Next's dev server shares this HTTP server and answers its own (HMR) upgrades.
    destroyUpgrade: false,
  });
  o.access.attach(io);
  const drivers = new DriverStream(io, { view: o.view, backlog: o.backlog, metrics: o.metrics, log: o.log });
  const roomSize = (room: string): number => io.sockets.adapter.rooms.get(room)?.size ?? 0;
  const alertsFor = (records: AlertRecord[], role: Role): AlertRecord[] => records.map((r) => showAlertRecord(r, role));
  /** Sends each protection class's room of `stream` its own projection of the same value. */
  const emitPerClass = <E extends 'alerts:update' | 'pipeline:status' | 'pipeline:data'>(stream: string, event: E, project: (role: Role) => Parameters<ServerToClientEvents[E]>[0] | null): void => {
    for (const role of classes) {
      const room = classRoom(stream, role);
      if (roomSize(room) === 0) continue;
      const shown = project(role);
      if (shown === null) continue;
      (io.to(room).emit as (e: E, v: typeof shown) => boolean)(event, shown);
      o.metrics.messagesOut.inc({ event }, roomSize(room));
    }
  };

  io.on('connection', (socket) => {
    o.metrics.socketClients.inc();
    socket.on('disconnect', () => o.metrics.socketClients.dec());
    watchRefusedFrames(socket, o.metrics, o.log);
    const role = principalOf(socket).role;
    o.log.debug({ id: socket.id, address: socket.handshake.address, who: principalOf(socket).name, role }, 'client connected');
    o.access.greet(socket);
    if (o.access.maySubscribe(socket, 'drivers')) drivers.attach(socket);
    else socket.on('drivers:subscribe', () => undefined);
    socket.on('lag:subscribe', () => {
      if (!o.access.maySubscribe(socket, 'lag')) return;
      void socket.join(LAG_ROOM);
      socket.emit('lag:report', o.lagReport());
      o.metrics.messagesOut.inc({ event: 'lag:report' });
    });
    socket.on('lag:unsubscribe', () => void socket.leave(LAG_ROOM));
    socket.on('pipeline:subscribe', () => {
      // Job status and topic sizes for pipeline viewers, quarantined records for those who may
      // see them (fraud analysts): one subscription, each part checked on its own.
      const p = principalOf(socket);
      const status = principalMaySubscribe(p, 'pipeline');
      const samples = principalMaySubscribe(p, 'quarantine');
      if (!status && !samples) return void o.access.maySubscribe(socket, 'pipeline');
      if (samples) o.access.maySubscribe(socket, 'quarantine');
      void socket.join(classRoom('pipeline', role));
      if (status) socket.emit('pipeline:status', o.pipelineStatus());
      socket.emit('pipeline:data', showPipelineData(o.pipelineData(), role));
    });
    socket.on('analytics:subscribe', () => {
      const p = principalOf(socket);
      const surge = principalMaySubscribe(p, 'surge');
      const kpis = principalMaySubscribe(p, 'kpis');
      if (!surge && !kpis) return void o.access.maySubscribe(socket, 'kpis');
      const scope: AnalyticsScope = surge && kpis ? 'both' : surge ? 'surge' : 'kpis';
      void socket.join(analyticsRoom(scope));
      socket.emit('analytics:state', scoped(o.analytics.state(), scope));
      o.metrics.messagesOut.inc({ event: 'analytics:state' });
    });
    socket.on('surge:window', (windowEnd, done) => {
      // Sent by any client: anything but a window end and a callback gets nothing.
      if (typeof done !== 'function') return;
      if (!o.access.maySubscribe(socket, 'surge')) return done(null);
      done(typeof windowEnd === 'number' && Number.isFinite(windowEnd) ? o.analytics.surgeAt(windowEnd) : null);
      o.metrics.messagesOut.inc({ event: 'surge:window' });
    });
    socket.on('alerts:subscribe', () => {
      if (!o.access.maySubscribe(socket, 'alerts')) return;
      void socket.join(classRoom('alerts', role));
      socket.emit('alerts:snapshot', alertsFor(o.alerts.snapshot(), role));
      o.metrics.messagesOut.inc({ event: 'alerts:snapshot' });
    });
    socket.on('alerts:action', (request, done) => {
      // Validated in submitAlertAction; a client that sends no callback gets nothing back.
      if (typeof done !== 'function') return;
      const type = (request as { type?: unknown } | null)?.type;
      const action = typeof type === 'string' ? `alert:${type}` : 'alert:unknown';
      const target = String((request as { alertId?: unknown } | null)?.alertId ?? '').slice(0, 128);
      if (!(actionNames as readonly string[]).includes(action)) return done({ ok: false, reason: 'unknown action type' });
      if (!o.access.mayAct(socket, action as Action, target)) return done({ ok: false, reason: `role ${role} may not ${type}` });
      const who = principalOf(socket);
      o.submitAlertAction(request, who.name).then(
        (result) => {
          o.recordAlertAction(who, socket.handshake.address, action, target, result);
          done(result);
        },
        (err: unknown) => {
          o.log.error({ err }, 'could not write an alert action');
          done({ ok: false, reason: 'the action could not be recorded; try again' });
        },
      );
    });
    socket.on('audit:subscribe', () => {
      if (!o.access.maySubscribe(socket, 'audit')) return;
      void socket.join(AUDIT_ROOM);
      socket.emit('audit:snapshot', o.audit.recent());
    });
  });

  const analytics = setInterval(() => {
    const rooms = (['both', 'surge', 'kpis'] as const).filter((scope) => roomSize(analyticsRoom(scope)) > 0);
    if (rooms.length === 0) return;
    const state = o.analytics.takeChanged();
    if (!state) return;
    for (const scope of rooms) {
      io.to(analyticsRoom(scope)).emit('analytics:state', scoped(state, scope));
      o.metrics.messagesOut.inc({ event: 'analytics:state' }, roomSize(analyticsRoom(scope)));
    }
  }, ANALYTICS_INTERVAL_MS);
  const deltas = setInterval(() => {
    const alerts = o.alerts.takeChanged();
    if (alerts.length > 0) emitPerClass('alerts', 'alerts:update', (role) => alertsFor(alerts, role));
    const audit = o.audit.takeFresh();
    if (audit.length > 0 && roomSize(AUDIT_ROOM) > 0) io.to(AUDIT_ROOM).emit('audit:events', audit);
    o.metrics.conflated.inc(o.view.takeConflatedCount());
    drivers.tick(Date.now());
  }, o.deltaIntervalMs);

  const status = setInterval(() => {
    const degradedStreams = o.degradedStreams();
    io.emit('gateway:status', { ready: o.isReady(), degraded: degradedStreams.length > 0, degradedStreams, drivers: o.view.size, newestEventTime: o.view.newestEventTime });
    o.metrics.messagesOut.inc({ event: 'gateway:status' }, io.engine.clientsCount);
  }, 1000);

  return {
    publishPipeline(status: PipelineStatus): void {
      // Quarantine-only classes (fraud analysts) share the room but not the job status.
      emitPerClass('pipeline', 'pipeline:status', (role) => (maySubscribe(role, 'pipeline') ? status : null));
    },
    publishPipelineData(data: PipelineData): void {
      emitPerClass('pipeline', 'pipeline:data', (role) => showPipelineData(data, role));
    },
    publishLag(report: LagReport): void {
      io.to(LAG_ROOM).emit('lag:report', report);
      o.metrics.messagesOut.inc({ event: 'lag:report' }, roomSize(LAG_ROOM));
    },
    close: async () => {
      o.access.stop();
      clearInterval(analytics);
      clearInterval(deltas);
      clearInterval(status);
      await io.close();
    },
  };
}
