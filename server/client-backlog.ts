import type { EventEmitter } from 'node:events';
import { KernelSendQueues, type TcpEnds } from './kernel-send-queues';

/** The parts of an engine.io connection the backlog reads (its websocket transport holds a `ws` socket). */
export interface EngineConnection extends EventEmitter {
  readonly writeBuffer?: readonly { readonly data?: unknown }[];
  readonly transport?: { readonly socket?: { readonly bufferedAmount?: number; readonly _socket?: TcpEnds } };
}

/** Seconds over which a client's own traffic rate is taken. */
const RATE_SECONDS = 5;

/**
 * What one client has not taken yet, in packets and in bytes.
 *
 * Packets are counted from the engine.io connection's public events: every packet is created
 * ('packetCreate') and later handed to the transport in a batch ('flush'); a transport that
 * cannot write keeps them. But a client that stops reading is first absorbed by the kernel (its
 * receive buffer, then our send queue, which grows to megabytes), so the packet count moves
 * only a minute later. Bytes see it within seconds: those engine.io still holds, those the
 * `ws` socket and Node hold, and those the kernel holds unacknowledged (Linux; `KernelSendQueues`).
 */
export class ClientBacklog {
  private pending = 0;
  /** When the client fell behind (ms), 0 while it keeps up. */
  behindSince = 0;
  /** It missed deltas and gets a snapshot as soon as it has caught up. */
  needsSnapshot = false;
  /** Bytes sent in each of the last RATE_SECONDS seconds, a ring indexed by the second. */
  private readonly sentBySecond = new Array<number>(RATE_SECONDS).fill(0);
  private lastSecond = 0;
  /** This connection's key in the kernel's table, worked out once (the address is canonicalised). */
  private kernelKey: string | null | undefined;

  constructor(
    private readonly connection: EngineConnection,
    private readonly kernel: KernelSendQueues | null = null,
  ) {
    connection.on('packetCreate', () => {
      this.pending++;
    });
    connection.on('flush', (packets: unknown[]) => {
      this.pending = Math.max(0, this.pending - packets.length);
    });
  }

  get pendingPackets(): number {
    return this.pending;
  }

  /** Counts bytes handed to this client, for its recent rate. */
  sent(bytes: number, now: number): void {
    this.advance(now);
    this.sentBySecond[Math.floor(now / 1000) % RATE_SECONDS]! += bytes;
  }

  /** Bytes a second handed to this client over the last few seconds. */
  recentRate(now: number): number {
    this.advance(now);
    return this.sentBySecond.reduce((a, b) => a + b, 0) / RATE_SECONDS;
  }

  /** Bytes written for this client that it has not taken yet; null when that cannot be read (polling). */
  unsentBytes(): number | null {
    const ws = this.connection.transport?.socket;
    if (ws?.bufferedAmount === undefined) return null;
    if (this.kernelKey === undefined && ws._socket) this.kernelKey = KernelSendQueues.keyOf(ws._socket);
    let bytes = ws.bufferedAmount + (this.kernelKey && this.kernel ? (this.kernel.queuedAt(this.kernelKey) ?? 0) : 0);
    for (const packet of this.connection.writeBuffer ?? []) {
      const data = packet.data;
      if (typeof data === 'string') bytes += data.length;
      else if (data instanceof Uint8Array) bytes += data.byteLength;
    }
    return bytes;
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    for (let s = Math.max(this.lastSecond + 1, second - RATE_SECONDS + 1); s <= second; s++) this.sentBySecond[s % RATE_SECONDS] = 0;
    this.lastSecond = Math.max(this.lastSecond, second);
  }
}

export interface BacklogPolicy {
  /** More unsent packets than this and the client gets no deltas until it drains. */
  readonly maxPendingPackets: number;
  /** More unsent bytes than this many ms of the client's own recent traffic is behind... */
  readonly maxUnsentMs: number;
  /** ...but never fewer than this (a snapshot or a quiet city). */
  readonly minUnsentBytes: number;
  /** Behind for longer than this and the client is disconnected. */
  readonly maxBehindMs: number;
}

/** Whether the client has more waiting for it than the policy allows. */
export function isBehind(backlog: ClientBacklog, policy: BacklogPolicy, now: number): boolean {
  if (backlog.pendingPackets > policy.maxPendingPackets) return true;
  const unsent = backlog.unsentBytes();
  return unsent !== null && unsent > Math.max(policy.minUnsentBytes, (backlog.recentRate(now) * policy.maxUnsentMs) / 1000);
}

export type BacklogDecision = 'send' | 'skip' | 'snapshot' | 'disconnect';

/** What to do with a client this delta, by its backlog; updates the backlog's state. */
export function decide(backlog: ClientBacklog, policy: BacklogPolicy, now: number): BacklogDecision {
  if (isBehind(backlog, policy, now)) {
    if (backlog.behindSince === 0) backlog.behindSince = now;
    backlog.needsSnapshot = true;
    return now - backlog.behindSince > policy.maxBehindMs ? 'disconnect' : 'skip';
  }
  backlog.behindSince = 0;
  if (backlog.needsSnapshot) {
    backlog.needsSnapshot = false;
    return 'snapshot';
  }
  return 'send';
}
