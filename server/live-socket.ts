import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { encodeDrivers } from '../lib/driver-wire';
import type { LagReport } from '../lib/lag/lag-report';
import { SOCKET_PATH, type ClientToServerEvents, type DriverTuple, type ServerToClientEvents } from '../lib/protocol';
import type { DriverView } from './driver-view';
import type { GatewayMetrics } from './metrics';

const DRIVERS_ROOM = 'drivers';
const LAG_ROOM = 'lag';

export interface LiveSocketOptions {
  readonly view: DriverView;
  readonly isReady: () => boolean;
  readonly isDegraded: () => boolean;
  readonly lagReport: () => LagReport;
  readonly deltaIntervalMs: number;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * Socket.IO delivery. Drivers: a subscriber gets a snapshot of the driver view, then the deltas
 * every subscriber shares; one delta is built per interval whatever the number of viewers, and
 * Socket.IO encodes a room broadcast once. Lag: the latest report on subscribe, then each new one.
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

  io.on('connection', (socket) => {
    o.metrics.socketClients.inc();
    socket.on('disconnect', () => o.metrics.socketClients.dec());
    o.log.debug({ id: socket.id, address: socket.handshake.address }, 'client connected');
    socket.on('drivers:subscribe', () => {
      void socket.join(DRIVERS_ROOM);
      const sentAt = Date.now();
      const data = encode(o.view.snapshot(), [], sentAt);
      socket.emit('drivers:snapshot', { seq, sentAt, ids: o.view.dictionary(), data });
      o.metrics.messagesOut.inc({ event: 'drivers:snapshot' });
      o.metrics.bytesOut.inc({ event: 'drivers:snapshot' }, data.byteLength);
    });
    socket.on('drivers:unsubscribe', () => void socket.leave(DRIVERS_ROOM));
    socket.on('lag:subscribe', () => {
      void socket.join(LAG_ROOM);
      socket.emit('lag:report', o.lagReport());
      o.metrics.messagesOut.inc({ event: 'lag:report' });
    });
    socket.on('lag:unsubscribe', () => void socket.leave(LAG_ROOM));
  });

  const deltas = setInterval(() => {
    o.metrics.conflated.inc(o.view.takeConflatedCount());
    const delta = o.view.takeDelta();
    if (!delta) return;
    seq++;
    const sentAt = Date.now();
    const data = encode(delta.upserts, delta.removals, sentAt);
    io.to(DRIVERS_ROOM).emit('drivers:delta', { seq, sentAt, base: delta.base, newIds: delta.newIds, data });
    const receivers = roomSize(DRIVERS_ROOM);
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
