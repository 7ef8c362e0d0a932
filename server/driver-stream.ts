import type { Logger } from 'pino';
import { encodeDrivers } from '../lib/driver-wire';
import type { DriverTuple, ServerToClientEvents } from '../lib/protocol';
import { contains, Viewport } from '../lib/viewport';
import { ClientBacklog, decide, isBehind, type BacklogPolicy, type EngineConnection } from './client-backlog';
import type { DriverView, ViewDelta } from './driver-view';
import { KernelSendQueues } from './kernel-send-queues';
import type { LiveClient, LiveServer } from './live-types';
import type { GatewayMetrics } from './metrics';

const WHOLE_CITY_ROOM = 'drivers';
/**
 * Whole-city receivers written to per event-loop turn. Writing one ~75 KiB delta to 500 sockets
 * at once held the loop ~50 ms (bench/fanout.bench.ts, BENCH_CPU_PROFILE_DIR); in slices the
 * loop serves sign-ins, acks and ingest between them.
 */
export const BROADCAST_SLICE = 100;


interface ClientState {
  readonly backlog: ClientBacklog;
  subscribed: boolean;
  /** null: the whole city, served by one shared broadcast. */
  viewport: Viewport | null;
  /** Sequence of this client's own deltas (viewport clients only). */
  seq: number;
  /** Drivers this viewport client currently holds. */
  readonly inView: Set<string>;
}

export interface DriverStreamOptions {
  readonly view: DriverView;
  readonly backlog: BacklogPolicy;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * Driver delivery. A subscriber gets a snapshot, then deltas. Clients watching the whole city
 * share one delta per interval (Socket.IO encodes a room broadcast once); a client that zoomed
 * in sends its viewport and gets only the drivers inside it, with removals as they leave, in
 * deltas of its own sequence.
 *
 * A client that does not keep up is left out of deltas (its missed changes are conflated into
 * one snapshot once it drains) and disconnected if it stays behind, so that no client can make
 * the gateway's memory grow without bound.
 */
export class DriverStream {
  private seq = 0;
  private readonly clients = new Map<string, ClientState>();
  /** A sliced broadcast is still being written; what waits for it to end. */
  private broadcasting = false;
  private readonly afterBroadcast: (() => void)[] = [];
  /** The kernel's send queues, read at most once a second for every client. */
  private readonly sendQueues = new KernelSendQueues();

  constructor(
    private readonly io: LiveServer,
    private readonly o: DriverStreamOptions,
  ) {}

  attach(socket: LiveClient): void {
    // engine.io's typings hide writeBuffer and the websocket transport's ws socket, which the
    // backlog reads (engine.io 6, ws 8; the slow-client fault tests fail if they move).
    const connection = socket.conn as unknown as EngineConnection;
    const state: ClientState = { backlog: new ClientBacklog(connection, this.sendQueues), subscribed: false, viewport: null, seq: 0, inView: new Set() };
    this.clients.set(socket.id, state);
    socket.on('disconnect', () => this.clients.delete(socket.id));
    socket.on('drivers:subscribe', () => {
      state.subscribed = true;
      if (state.viewport === null) void socket.join(WHOLE_CITY_ROOM);
      this.snapshotWhenReadable(socket, state);
    });
    socket.on('drivers:unsubscribe', () => {
      state.subscribed = false;
      void socket.leave(WHOLE_CITY_ROOM);
    });
    socket.on('drivers:viewport', (input) => {
      const parsed = input === null ? null : Viewport.safeParse(input);
      if (parsed && !parsed.success) {
        this.o.log.debug({ id: socket.id, input }, 'ignored an invalid viewport');
        return;
      }
      state.viewport = parsed ? parsed.data : null;
      if (state.viewport === null) void socket.join(WHOLE_CITY_ROOM);
      else void socket.leave(WHOLE_CITY_ROOM);
      if (state.subscribed) this.snapshotWhenReadable(socket, state);
    });
  }

  /** One delivery round: the shared delta, each viewport client's own, backpressure decisions. */
  tick(now: number): void {
    // Changes keep gathering in the view meanwhile; the next tick sends them in one delta.
    if (this.broadcasting) return;
    if (this.clients.size > 0) this.sendQueues.refresh(now);
    const delta = this.o.view.takeDelta();
    if (!delta) return;
    this.seq++;
    const leftOut = new Set<string>();
    for (const [id, state] of this.clients) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket || !state.subscribed) continue;
      const decision = decide(state.backlog, this.o.backlog, now);
      if (decision === 'send' && state.viewport === null) continue;
      leftOut.add(id);
      if (decision === 'send') this.sendViewportDelta(socket, state, delta, now);
      if (decision === 'skip') this.o.metrics.deltasDropped.inc();
      if (decision === 'snapshot') this.sendSnapshot(socket, state, now);
      if (decision === 'disconnect') this.cutOff(socket, state, now);
    }
    const receivers = [...(this.io.sockets.adapter.rooms.get(WHOLE_CITY_ROOM) ?? [])].filter((id) => !leftOut.has(id));
    if (receivers.length === 0) return;
    const data = this.encode(delta.upserts, delta.removals.map(([, slot]) => slot), now);
    for (const id of receivers) this.clients.get(id)?.backlog.sent(data.byteLength, now);
    this.broadcast(receivers, { seq: this.seq, sentAt: now, assigned: delta.assigned, data });
    this.o.metrics.messagesOut.inc({ event: 'drivers:delta' }, receivers.length);
    this.o.metrics.bytesOut.inc({ event: 'drivers:delta' }, data.byteLength * receivers.length);
  }

  /** The shared delta to `receivers`, BROADCAST_SLICE sockets per event-loop turn. */
  private broadcast(receivers: string[], delta: Parameters<ServerToClientEvents['drivers:delta']>[0]): void {
    let from = 0;
    const next = (): void => {
      // Socket.IO encodes the packet once per emit and writes it to each socket of the slice.
      this.io.to(receivers.slice(from, from + BROADCAST_SLICE)).emit('drivers:delta', delta);
      from += BROADCAST_SLICE;
      if (from < receivers.length) {
        this.broadcasting = true;
        setImmediate(next);
        return;
      }
      this.broadcasting = false;
      for (const run of this.afterBroadcast.splice(0)) run();
    };
    next();
  }

  private snapshotWhenReadable(socket: LiveClient, state: ClientState): void {
    // A snapshot sent mid-broadcast could overtake the delta its seq already counts.
    if (this.broadcasting) {
      this.afterBroadcast.push(() => socket.connected && state.subscribed && this.snapshotWhenReadable(socket, state));
      return;
    }
    // A client that is not reading gets its snapshot once it drains, however often it asks.
    const now = Date.now();
    if (isBehind(state.backlog, this.o.backlog, now)) state.backlog.needsSnapshot = true;
    else this.sendSnapshot(socket, state, now);
  }

  private sendSnapshot(socket: LiveClient, state: ClientState, sentAt: number): void {
    let drivers = this.o.view.snapshot();
    let seq = this.seq;
    if (state.viewport) {
      const viewport = state.viewport;
      drivers = drivers.filter(([, lon, lat]) => contains(viewport, lon, lat));
      state.inView.clear();
      for (const [id] of drivers) state.inView.add(id);
      seq = state.seq;
    }
    const data = this.encode(drivers, [], sentAt);
    state.backlog.sent(data.byteLength, sentAt);
    socket.emit('drivers:snapshot', { seq, sentAt, ids: this.o.view.dictionary(), data });
    this.o.metrics.messagesOut.inc({ event: 'drivers:snapshot' });
    this.o.metrics.bytesOut.inc({ event: 'drivers:snapshot' }, data.byteLength);
  }

  private sendViewportDelta(socket: LiveClient, state: ClientState, delta: ViewDelta, sentAt: number): void {
    const viewport = state.viewport!;
    const upserts: DriverTuple[] = [];
    const removals: number[] = [];
    for (const t of delta.upserts) {
      if (contains(viewport, t[1], t[2])) {
        upserts.push(t);
        state.inView.add(t[0]);
      } else if (state.inView.delete(t[0])) {
        removals.push(this.o.view.indexFor(t[0]));
      }
    }
    for (const [id, slot] of delta.removals) if (state.inView.delete(id)) removals.push(slot);
    // The dictionary changes for everyone; a delta goes out when there is anything to say.
    if (upserts.length === 0 && removals.length === 0 && delta.assigned.length === 0) return;
    state.seq++;
    const data = this.encode(upserts, removals, sentAt);
    state.backlog.sent(data.byteLength, sentAt);
    socket.emit('drivers:delta', { seq: state.seq, sentAt, assigned: delta.assigned, data });
    this.o.metrics.messagesOut.inc({ event: 'drivers:delta' });
    this.o.metrics.bytesOut.inc({ event: 'drivers:delta' }, data.byteLength);
  }

  private cutOff(socket: LiveClient, state: ClientState, now: number): void {
    this.o.metrics.slowClientsDisconnected.inc();
    this.o.log.warn(
      { id: socket.id, address: socket.handshake.address, pendingPackets: state.backlog.pendingPackets, unsentBytes: state.backlog.unsentBytes(), behindMs: now - state.backlog.behindSince },
      'disconnected a client too slow to keep up with driver deltas',
    );
    socket.disconnect(true);
  }

  private encode(tuples: readonly DriverTuple[], removedSlots: readonly number[], sentAt: number): Uint8Array {
    return encodeDrivers(
      tuples.map(([id, lon, lat, status, headingDeg, ts]) => ({ index: this.o.view.indexFor(id), lon, lat, status, headingDeg, ts })),
      removedSlots,
      sentAt,
    );
  }
}
