import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { encodeDrivers } from '../lib/driver-wire';
import type { LagReport } from '../lib/lag/lag-report';
import { SOCKET_PATH, type ActionResult, type ClientToServerEvents, type DriverTuple, type ServerToClientEvents } from '../lib/protocol';
import type { AlertView } from './alert-view';
import { ClientBacklog, decide, type BacklogPolicy } from './client-backlog';
import type { DriverView } from './driver-view';
import type { GatewayMetrics } from './metrics';

const DRIVERS_ROOM = 'drivers';
const LAG_ROOM = 'lag';
const ALERTS_ROOM = 'alerts';

export interface LiveSocketOptions {
  readonly view: DriverView;
  readonly isReady: () => boolean;
  readonly isDegraded: () => boolean;
  readonly lagReport: () => LagReport;
  readonly alerts: AlertView;
  /** Records a triage action for the operator `by`. */
  readonly submitAlertAction: (request: unknown, by: string) => Promise<ActionResult>;
  readonly deltaIntervalMs: number;
  readonly backlog: BacklogPolicy;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * Socket.IO delivery. Drivers: a subscriber gets a snapshot of the driver view, then the deltas
 * every subscriber shares; one delta is built per interval whatever the number of viewers, and
 * Socket.IO encodes a room broadcast once. Lag: the latest report on subscribe, then each new one.
 *
 * A client that does not keep up is left out of deltas (its missed changes are conflated into
 * one snapshot once it drains) and disconnected if it stays behind, so that no client can make
 * the gateway's memory grow without bound.
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
  let seq = 0;
  const encode = (tuples: readonly DriverTuple[], removals: readonly string[], sentAt: number): Uint8Array =>
    encodeDrivers(
      tuples.map(([id, lon, lat, status, headingDeg, ts]) => ({ index: o.view.indexFor(id), lon, lat, status, headingDeg, ts })),
      removals.map((id) => o.view.indexFor(id)),
      sentAt,
    );
  const roomSize = (room: string): number => io.sockets.adapter.rooms.get(room)?.size ?? 0;

  const backlogs = new Map<string, ClientBacklog>();
  const sendSnapshot = (socket: Socket, sentAt: number): void => {
    const data = encode(o.view.snapshot(), [], sentAt);
    socket.emit('drivers:snapshot', { seq, sentAt, ids: o.view.dictionary(), data });
    o.metrics.messagesOut.inc({ event: 'drivers:snapshot' });
    o.metrics.bytesOut.inc({ event: 'drivers:snapshot' }, data.byteLength);
  };

  io.on('connection', (socket) => {
    backlogs.set(socket.id, new ClientBacklog(socket.conn));
    socket.on('disconnect', () => backlogs.delete(socket.id));
    o.metrics.socketClients.inc();
    socket.on('disconnect', () => o.metrics.socketClients.dec());
    o.log.debug({ id: socket.id, address: socket.handshake.address }, 'client connected');
    socket.on('drivers:subscribe', () => {
      void socket.join(DRIVERS_ROOM);
      const backlog = backlogs.get(socket.id);
      // A client that is not reading gets its snapshot once it drains, however often it asks.
      if (backlog && backlog.pendingPackets > o.backlog.maxPendingPackets) backlog.needsSnapshot = true;
      else sendSnapshot(socket, Date.now());
    });
    socket.on('drivers:unsubscribe', () => void socket.leave(DRIVERS_ROOM));
    socket.on('lag:subscribe', () => {
      void socket.join(LAG_ROOM);
      socket.emit('lag:report', o.lagReport());
      o.metrics.messagesOut.inc({ event: 'lag:report' });
    });
    socket.on('lag:unsubscribe', () => void socket.leave(LAG_ROOM));
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

  const deltas = setInterval(() => {
    const alerts = o.alerts.takeChanged();
    if (alerts.length > 0) {
      io.to(ALERTS_ROOM).emit('alerts:update', alerts);
      o.metrics.messagesOut.inc({ event: 'alerts:update' }, roomSize(ALERTS_ROOM));
    }
    o.metrics.conflated.inc(o.view.takeConflatedCount());
    const delta = o.view.takeDelta();
    if (!delta) return;
    seq++;
    const sentAt = Date.now();
    const leftOut: string[] = [];
    for (const id of io.sockets.adapter.rooms.get(DRIVERS_ROOM) ?? []) {
      const socket = io.sockets.sockets.get(id);
      const backlog = backlogs.get(id);
      if (!socket || !backlog) continue;
      const decision = decide(backlog, o.backlog, sentAt);
      if (decision === 'send') continue;
      leftOut.push(id);
      if (decision === 'skip') o.metrics.deltasDropped.inc();
      if (decision === 'snapshot') sendSnapshot(socket, sentAt);
      if (decision === 'disconnect') {
        o.metrics.slowClientsDisconnected.inc();
        o.log.warn(
          { id, address: socket.handshake.address, pendingPackets: backlog.pendingPackets, behindMs: sentAt - backlog.behindSince },
          'disconnected a client too slow to keep up with driver deltas',
        );
        socket.disconnect(true);
      }
    }
    const data = encode(delta.upserts, delta.removals, sentAt);
    io.to(DRIVERS_ROOM).except(leftOut).emit('drivers:delta', { seq, sentAt, base: delta.base, newIds: delta.newIds, data });
    const receivers = roomSize(DRIVERS_ROOM) - leftOut.length;
    o.metrics.messagesOut.inc({ event: 'drivers:delta' }, receivers);
    o.metrics.bytesOut.inc({ event: 'drivers:delta' }, data.byteLength * receivers);
  }, o.deltaIntervalMs);

  const status = setInterval(() => {
    io.emit('gateway:status', { ready: o.isReady(), degraded: o.isDegraded(), drivers: o.view.size, newestEventTime: o.view.newestEventTime });
    o.metrics.messagesOut.inc({ event: 'gateway:status' }, io.engine.clientsCount);
  }, 1000);

  return {
    publishLag(report: LagReport): void {
      io.to(LAG_ROOM).emit('lag:report', report);
      o.metrics.messagesOut.inc({ event: 'lag:report' }, roomSize(LAG_ROOM));
    },
    close: async () => {
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
