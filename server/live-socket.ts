import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { LagHistorySnapshot } from '../lib/lag/lag-history';
import type { LagReport } from '../lib/lag/lag-report';
import type { PipelineStatus } from '../lib/pipeline-status';
import { SOCKET_PATH, type ClientToServerEvents, type PipelineData, type ServerToClientEvents } from '../lib/protocol';
import { AlertsSocket, type AlertsSocketOptions } from './alerts-socket';
import { AnalyticsSocket } from './analytics-socket';
import type { AnalyticsView } from './analytics-view';
import type { AuditView } from './audit';
import type { BacklogPolicy } from './client-backlog';
import { DriverStream } from './driver-stream';
import type { DriverView } from './driver-view';
import type { SocketData } from './live-types';
import type { GatewayMetrics } from './metrics';
import { AuditSocket, LagSocket, PipelineSocket } from './ops-sockets';
import { MAX_CLIENT_FRAME_BYTES, watchRefusedFrames } from './refused-frames';
import { principalOf } from './socket-access';

/** Surge windows close every few seconds; screens need them no faster than this. */
const ANALYTICS_INTERVAL_MS = 1000;

export interface LiveSocketOptions extends Pick<AlertsSocketOptions, 'alerts' | 'access' | 'submitAlertAction' | 'recordAlertAction'> {
  readonly view: DriverView;
  readonly isReady: () => boolean;
  /** Names of the gateway's streams that are not receiving from Kafka. */
  readonly degradedStreams: () => readonly string[];
  readonly lagReport: () => LagReport;
  /** The lag trend's last 24 hours (lag.history). */
  readonly lagHistory: () => LagHistorySnapshot;
  readonly pipelineStatus: () => PipelineStatus;
  readonly pipelineData: () => PipelineData;
  readonly analytics: AnalyticsView;
  readonly audit: AuditView;
  readonly deltaIntervalMs: number;
  readonly backlog: BacklogPolicy;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * Socket.IO delivery, one module a stream: drivers (DriverStream), surge and KPIs
 * (AnalyticsSocket), alerts and their triage (AlertsSocket), lag, pipeline and audit
 * (ops-sockets). This wires them to one server, checks every connection in (SocketAccess), and
 * runs the ticks: deltas every `deltaIntervalMs`, analytics every second, the gateway's status
 * every second.
 */
export function attachLiveSocket(httpServer: HttpServer, o: LiveSocketOptions) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    maxHttpBufferSize: MAX_CLIENT_FRAME_BYTES,
    // Our clients speak WebSocket only; without long-polling every frame passes the size check above.
    transports: ['websocket'],
    // Upgrades for other paths (Next's dev server's hot reload) are someone else's to answer.
    destroyUpgrade: false,
  });
  o.access.attach(io);
  const common = { access: o.access, metrics: o.metrics };
  const drivers = new DriverStream(io, { view: o.view, backlog: o.backlog, metrics: o.metrics, log: o.log });
  const alerts = new AlertsSocket(io, { ...common, alerts: o.alerts, submitAlertAction: o.submitAlertAction, recordAlertAction: o.recordAlertAction, log: o.log });
  const analytics = new AnalyticsSocket(io, { ...common, analytics: o.analytics });
  const lag = new LagSocket(io, { ...common, report: o.lagReport, history: o.lagHistory });
  const pipeline = new PipelineSocket(io, { ...common, status: o.pipelineStatus, data: o.pipelineData });
  const audit = new AuditSocket(io, { ...common, audit: o.audit });

  io.on('connection', (socket) => {
    o.metrics.socketClients.inc();
    socket.on('disconnect', () => o.metrics.socketClients.dec());
    watchRefusedFrames(socket, o.metrics, o.log);
    const who = principalOf(socket);
    o.log.debug({ id: socket.id, address: socket.handshake.address, who: who.name, role: who.role }, 'client connected');
    o.access.greet(socket);
    if (o.access.maySubscribe(socket, 'drivers')) drivers.attach(socket);
    else socket.on('drivers:subscribe', () => undefined);
    for (const stream of [alerts, analytics, lag, pipeline, audit]) stream.attach(socket);
  });

  const analyticsTicks = setInterval(() => analytics.tick(), ANALYTICS_INTERVAL_MS);
  const deltas = setInterval(() => {
    alerts.tick();
    audit.tick();
    o.metrics.conflated.inc(o.view.takeConflatedCount());
    drivers.tick(Date.now());
  }, o.deltaIntervalMs);
  const status = setInterval(() => {
    const degradedStreams = o.degradedStreams();
    io.emit('gateway:status', { ready: o.isReady(), degraded: degradedStreams.length > 0, degradedStreams, drivers: o.view.size, newestEventTime: o.view.newestEventTime });
    o.metrics.messagesOut.inc({ event: 'gateway:status' }, io.engine.clientsCount);
  }, 1000);

  return {
    publishPipeline: (s: PipelineStatus): void => pipeline.publishStatus(s),
    publishPipelineData: (data: PipelineData): void => pipeline.publishData(data),
    publishLag: (report: LagReport): void => lag.publish(report),
    publishLagHistory: (): void => lag.publishHistory(),
    close: async () => {
      o.access.stop();
      clearInterval(analyticsTicks);
      clearInterval(deltas);
      clearInterval(status);
      await io.close();
    },
  };
}
