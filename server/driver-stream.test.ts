import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_PATH } from '../lib/protocol';
import { BROADCAST_SLICE, DriverStream } from './driver-stream';
import { DriverView } from './driver-view';
import { createMetrics } from './metrics';
import { until } from './testing/until';

/** A real Socket.IO server on loopback with 2½ slices' worth of whole-city subscribers. */
const CLIENTS = Math.floor(BROADCAST_SLICE * 2.5);
const http = createServer();
const io = new Server(http, { path: SOCKET_PATH, transports: ['websocket'] });
const view = new DriverView();
const stream = new DriverStream(io as never, { view, backlog: { maxPendingPackets: 1_000, maxUnsentMs: 60_000, minUnsentBytes: 1 << 30, maxBehindMs: 60_000 }, metrics: createMetrics(), log: pino({ level: 'silent' }) });
io.on('connection', (socket) => stream.attach(socket as never));
const clients: { socket: ClientSocket; received: { event: string; seq: number }[] }[] = [];

beforeAll(async () => {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  for (let i = 0; i < CLIENTS; i++) {
    const socket = connect(url, { path: SOCKET_PATH, transports: ['websocket'], forceNew: true });
    const client = { socket, received: [] as { event: string; seq: number }[] };
    socket.on('drivers:snapshot', (s: { seq: number }) => client.received.push({ event: 'snapshot', seq: s.seq }));
    socket.on('drivers:delta', (d: { seq: number }) => client.received.push({ event: 'delta', seq: d.seq }));
    socket.on('connect', () => socket.emit('drivers:subscribe'));
    clients.push(client);
  }
  await until('every client has its first snapshot', () => clients.every((c) => c.received.length === 1), 20_000);
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.socket.disconnect();
  await new Promise((r) => io.close(r));
});

describe('whole-city broadcast in slices', () => {
  it('reaches every subscriber once, spread over event-loop turns, and a snapshot asked for meanwhile comes after it', async () => {
    for (let i = 0; i < 50; i++) view.apply({ driverId: `d-${i}`, lat: 12.9, lon: 77.5 + i / 1000, status: 'idle', ts: Date.now() });
    const written = () => clients.filter((c) => c.received.some((r) => r.event === 'delta')).length;
    const emits: number[] = [];
    const to = io.to.bind(io);
    io.to = ((rooms: string | string[]) => {
      emits.push(Array.isArray(rooms) ? rooms.length : 1);
      return to(rooms);
    }) as typeof io.to;
    stream.tick(Date.now());
    // The room's last member re-subscribes while its slice is still to come.
    const last = io.of('/').sockets.get([...io.of('/').adapter.rooms.get('drivers')!].at(-1)!)!;
    for (const listener of last.listeners('drivers:subscribe')) (listener as () => void)();
    // Ticks while the broadcast is under way send nothing of their own.
    stream.tick(Date.now());
    await until('every client got the delta', () => written() === CLIENTS, 10_000);
    io.to = to;

    expect(emits).toEqual([BROADCAST_SLICE, BROADCAST_SLICE, CLIENTS - 2 * BROADCAST_SLICE]);
    for (const c of clients) expect(c.received.filter((r) => r.event === 'delta')).toEqual([{ event: 'delta', seq: 1 }]);
    const lastClient = clients.find((c) => c.socket.id === last.id)!;
    await until('the re-subscriber got its snapshot', () => lastClient.received.length === 3, 5_000);
    expect(lastClient.received.slice(1)).toEqual([
      { event: 'delta', seq: 1 },
      { event: 'snapshot', seq: 1 },
    ]);
  });
});
