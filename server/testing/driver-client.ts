import { io, type Socket } from 'socket.io-client';
import { decodeDrivers } from '../../lib/driver-wire';
import { assignSlots, SOCKET_PATH, type ClientToServerEvents, type DriverTuple, type ServerToClientEvents } from '../../lib/protocol';
import type { Viewport } from '../../lib/viewport';

/**
 * A Socket.IO client for integration tests that keeps the driver state exactly as the protocol
 * describes it (dictionary, binary frames, sequence numbers), with nothing the browser adds.
 * `onPosition` hears of every position as it is applied (a snapshot's too).
 */
export function driverClient(url: string, cookie: string, viewport: Viewport | null = null, onPosition?: (driverId: string) => void) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie } });
  const drivers = new Map<string, DriverTuple>();
  const seqs: number[] = [];
  let dictionary: string[] = [];
  const apply = (data: ArrayBuffer | Uint8Array, sentAt: number): void => {
    const decoded = decodeDrivers(data, sentAt);
    for (const d of decoded.drivers) {
      const id = dictionary[d.index];
      if (!id) throw new Error(`a position for slot ${d.index}, which the dictionary holds no driver for`);
      drivers.set(id, [id, d.lon, d.lat, d.status, d.headingDeg, d.ts]);
      onPosition?.(id);
    }
    for (const i of decoded.removals) drivers.delete(dictionary[i]!);
  };
  socket.on('connect', () => {
    if (viewport) socket.emit('drivers:viewport', viewport);
    socket.emit('drivers:subscribe');
  });
  socket.on('drivers:snapshot', (s) => {
    drivers.clear();
    dictionary = [...s.ids];
    apply(s.data, s.sentAt);
    seqs.push(s.seq);
  });
  socket.on('drivers:delta', (d) => {
    if (!assignSlots(dictionary, d.assigned)) throw new Error(`delta assigns a slot no gateway gives out: ${JSON.stringify(d.assigned.slice(0, 5))}`);
    apply(d.data, d.sentAt);
    seqs.push(d.seq);
  });
  return { socket, drivers, seqs };
}
