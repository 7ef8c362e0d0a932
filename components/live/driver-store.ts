import { decodeDrivers } from '../../lib/driver-wire';
import { assignSlots, type DriverDelta, type DriverSnapshot, type DriverTuple } from '../../lib/protocol';
import type { Viewport } from '../../lib/viewport';
import type { LiveSocket } from './socket-connection';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** What the map draws: typed arrays ready for deck.gl binary attributes. */
export interface DriverFrame {
  readonly version: number;
  readonly count: number;
  readonly ids: readonly string[];
  /** lon, lat per driver. */
  readonly positions: Float32Array;
  readonly statuses: Uint8Array;
  /** Client clock when data last arrived (ms), 0 before any. */
  readonly receivedAt: number;
  /** Newest event time among the drivers (ms). */
  readonly newestEventTime: number;
  readonly connection: ConnectionState;
  /** The gateway says it is serving what it has but not receiving from Kafka. */
  readonly degraded: boolean;
  /** Which of its streams are not receiving. */
  readonly degradedStreams: readonly string[];
  /** Deltas that arrived out of sequence and forced a resync. */
  readonly resyncs: number;
}

type Schedule = (callback: () => void) => void;

const emptyFrame: DriverFrame = {
  version: 0,
  count: 0,
  ids: [],
  positions: new Float32Array(0),
  statuses: new Uint8Array(0),
  receivedAt: 0,
  newestEventTime: 0,
  connection: 'connecting',
  degraded: false,
  degradedStreams: [],
  resyncs: 0,
};

/**
 * Live driver state outside React. Socket messages update a map at once; a new frame for
 * React is built at most once per animation frame, however many deltas arrived.
 */
export class DriverStore {
  private readonly drivers = new Map<string, DriverTuple>();
  /** The gateway's driver dictionary: index -> driver id. */
  private dictionary: string[] = [];
  private readonly listeners = new Set<() => void>();
  private frame: DriverFrame = emptyFrame;
  private lastSeq = -1;
  private receivedAt = 0;
  private connection: ConnectionState = 'connecting';
  private resyncs = 0;
  private degraded = false;
  private degradedStreams: readonly string[] = [];
  private viewport: Viewport | null = null;
  private scheduled = false;

  constructor(
    private readonly socket: LiveSocket,
    private readonly schedule: Schedule = (cb) => requestAnimationFrame(cb),
    private readonly now: () => number = () => Date.now(),
  ) {
    socket.on('connect', () => {
      this.connection = 'live';
      if (this.viewport) socket.emit('drivers:viewport', this.viewport);
      socket.emit('drivers:subscribe');
      this.changed();
    });
    socket.on('disconnect', () => {
      this.connection = 'reconnecting';
      this.changed();
    });
    socket.on('drivers:snapshot', (s) => this.onSnapshot(s));
    socket.on('drivers:delta', (d) => this.onDelta(d));
    socket.on('gateway:status', (status) => {
      const streams = status.degradedStreams ?? [];
      if (status.degraded === this.degraded && streams.join() === this.degradedStreams.join()) return;
      this.degraded = status.degraded;
      this.degradedStreams = streams;
      this.changed();
    });
    if (socket.connected) socket.emit('drivers:subscribe');
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): DriverFrame => this.frame;

  /**
   * Asks for the drivers inside `viewport` only (null: the whole city). Deltas are ignored
   * until the fresh snapshot for the new viewport arrives.
   */
  setViewport(viewport: Viewport | null): void {
    if (JSON.stringify(viewport) === JSON.stringify(this.viewport)) return;
    this.viewport = viewport;
    this.lastSeq = -1;
    if (this.socket.connected) this.socket.emit('drivers:viewport', viewport);
  }

  private onSnapshot(s: DriverSnapshot): void {
    this.drivers.clear();
    this.dictionary = [...s.ids];
    if (!this.apply(s.data, s.sentAt)) return;
    this.lastSeq = s.seq;
    this.receivedAt = this.now();
    this.changed();
  }

  private onDelta(d: DriverDelta): void {
    if (this.lastSeq < 0) return; // waiting for the snapshot
    if (d.seq !== this.lastSeq + 1 || !assignSlots(this.dictionary, d.assigned)) {
      // A missed delta leaves some drivers wrong until they move again: start over.
      this.resync();
      return;
    }
    this.lastSeq = d.seq;
    if (!this.apply(d.data, d.sentAt)) return;
    this.receivedAt = this.now();
    this.changed();
  }

  private resync(): void {
    this.resyncs++;
    this.lastSeq = -1;
    this.socket.emit('drivers:subscribe');
  }

  /** Applies a binary frame; a frame that does not decode forces a resync instead of a crash. */
  private apply(data: ArrayBuffer | Uint8Array, sentAt: number): boolean {
    let decoded;
    try {
      decoded = decodeDrivers(data, sentAt);
    } catch {
      this.resync();
      return false;
    }
    const { drivers, removals } = decoded;
    for (const d of drivers) {
      // '' is a free slot: a gateway never sends a position for one.
      const id = this.dictionary[d.index];
      if (id) this.drivers.set(id, [id, d.lon, d.lat, d.status, d.headingDeg, d.ts]);
    }
    for (const index of removals) {
      const id = this.dictionary[index];
      if (id) this.drivers.delete(id);
    }
    return true;
  }

  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.frame = this.buildFrame();
      for (const listener of this.listeners) listener();
    });
  }

  private buildFrame(): DriverFrame {
    const count = this.drivers.size;
    const ids = new Array<string>(count);
    const positions = new Float32Array(count * 2);
    const statuses = new Uint8Array(count);
    let newest = 0;
    let i = 0;
    for (const [id, lon, lat, status, , ts] of this.drivers.values()) {
      ids[i] = id;
      positions[i * 2] = lon;
      positions[i * 2 + 1] = lat;
      statuses[i] = status;
      if (ts > newest) newest = ts;
      i++;
    }
    return {
      version: this.frame.version + 1,
      count,
      ids,
      positions,
      statuses,
      receivedAt: this.receivedAt,
      newestEventTime: newest,
      connection: this.connection,
      degraded: this.degraded,
      degradedStreams: this.degradedStreams,
      resyncs: this.resyncs,
    };
  }
}
