import type { EventEmitter } from 'node:events';

/**
 * Packets queued for one client that its connection has not taken yet, counted from the
 * engine.io connection's public events: every packet is created ('packetCreate') and later
 * handed to the transport in a batch ('flush'). A client that does not read keeps the
 * transport busy, so its count grows.
 */
export class ClientBacklog {
  private pending = 0;
  /** When the client fell behind (ms), 0 while it keeps up. */
  behindSince = 0;
  /** It missed deltas and gets a snapshot as soon as it has caught up. */
  needsSnapshot = false;

  constructor(connection: EventEmitter) {
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
}

export interface BacklogPolicy {
  /** More unsent packets than this and the client gets no deltas until it drains. */
  readonly maxPendingPackets: number;
  /** Behind for longer than this and the client is disconnected. */
  readonly maxBehindMs: number;
}

export type BacklogDecision = 'send' | 'skip' | 'snapshot' | 'disconnect';

/** What to do with a client this delta, by its backlog; updates the backlog's state. */
export function decide(backlog: ClientBacklog, policy: BacklogPolicy, now: number): BacklogDecision {
  if (backlog.pendingPackets > policy.maxPendingPackets) {
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
