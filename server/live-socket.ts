import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../lib/protocol';
import type { DriverView } from './driver-view';

const DRIVERS_ROOM = 'drivers';

export interface LiveSocketOptions {
  readonly view: DriverView;
  readonly isReady: () => boolean;
  readonly deltaIntervalMs: number;
  readonly log: Logger;
}

/**
 * Socket.IO delivery: a subscriber gets a snapshot of the driver view, then the deltas that
 * every subscriber shares. One delta is built per interval whatever the number of viewers,
 * and Socket.IO encodes a room broadcast once.
 */
export function attachLiveSocket(httpServer: HttpServer, o: LiveSocketOptions): { close(): Promise<void> } {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Clients send only tiny control events.
    maxHttpBufferSize: 16 * 1024,
    // Next's dev server shares this HTTP server and answers its own (HMR) upgrades.
    destroyUpgrade: false,
  });
  let seq = 0;

  io.on('connection', (socket) => {
    o.log.debug({ id: socket.id, address: socket.handshake.address }, 'client connected');
    socket.on('drivers:subscribe', () => {
      void socket.join(DRIVERS_ROOM);
      socket.emit('drivers:snapshot', { seq, sentAt: Date.now(), drivers: o.view.snapshot() });
    });
    socket.on('drivers:unsubscribe', () => void socket.leave(DRIVERS_ROOM));
  });

  const deltas = setInterval(() => {
    const delta = o.view.takeDelta();
    if (!delta) return;
    seq++;
    io.to(DRIVERS_ROOM).emit('drivers:delta', { seq, sentAt: Date.now(), ...delta });
  }, o.deltaIntervalMs);

  const status = setInterval(() => {
    io.emit('gateway:status', { ready: o.isReady(), drivers: o.view.size, newestEventTime: o.view.newestEventTime });
  }, 1000);

  return {
    close: async () => {
      clearInterval(deltas);
      clearInterval(status);
      await io.close();
    },
  };
}
