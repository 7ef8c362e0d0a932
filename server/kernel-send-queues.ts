import { readFile } from 'node:fs/promises';

/** A TCP connection as this end sees it. */
export interface TcpEnds {
  readonly localPort?: number;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/**
 * Bytes the kernel holds for each TCP connection that its peer has not acknowledged (written,
 * but not yet read into the peer's socket buffer), from Linux's /proc/net/tcp and tcp6. A
 * browser that stops reading fills its own receive buffer (~128 KiB here) and then this queue,
 * which Node cannot see: its own write buffer stays empty while the kernel takes everything.
 *
 * The table is read at most once per `intervalMs`, for every connection at once, and replaced
 * whole, so it holds only the connections open at the last read. Where the files cannot be read
 * (not Linux) `available` turns false and `queued` answers null.
 */
export class KernelSendQueues {
  private table = new Map<string, number>();
  private readAt = -Infinity;
  private reading = false;
  private unavailable = false;

  constructor(
    private readonly intervalMs = 1000,
    private readonly files: readonly string[] = ['/proc/net/tcp', '/proc/net/tcp6'],
  ) {}

  get available(): boolean {
    return !this.unavailable;
  }

  /** Starts a read if the table is older than the interval; never throws, never waits. */
  refresh(now: number): void {
    if (this.unavailable || this.reading || now - this.readAt < this.intervalMs) return;
    this.reading = true;
    this.readAt = now;
    void Promise.all(this.files.map((f) => readFile(f, 'utf8').catch(() => null)))
      .then((texts) => {
        const read = texts.filter((t): t is string => t !== null);
        if (read.length === 0) this.unavailable = true;
        else this.table = new Map(read.flatMap((t) => [...parseProcNetTcp(t)]));
      })
      .finally(() => (this.reading = false));
  }

  /** Unacknowledged bytes of this connection at the last read; null when unknown. */
  queued(ends: TcpEnds): number | null {
    const key = KernelSendQueues.keyOf(ends);
    return key === null ? null : this.queuedAt(key);
  }

  /** The same, by a key from `keyOf` (a caller asking every delivery round keeps its key). */
  queuedAt(key: string): number | null {
    return this.unavailable ? null : (this.table.get(key) ?? null);
  }

  /** A connection's key in the table; null while its ends are not known. */
  static keyOf(ends: TcpEnds): string | null {
    if (ends.remoteAddress === undefined || ends.remotePort === undefined || ends.localPort === undefined) return null;
    return connectionKey(canonicalAddress(ends.remoteAddress), ends.remotePort, ends.localPort);
  }
}

const connectionKey = (remoteAddress: string, remotePort: number, localPort: number) => `${remoteAddress}|${remotePort}|${localPort}`;

/**
 * One /proc/net/tcp or tcp6 table: connection key → tx_queue (bytes). Lines are
 * `sl local_address rem_address st tx_queue:rx_queue ...`, addresses as hex `ADDR:PORT`.
 */
export function parseProcNetTcp(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const local = fields[1]!.split(':');
    const remote = fields[2]!.split(':');
    const queues = fields[4]!.split(':');
    if (local.length !== 2 || remote.length !== 2 || queues.length !== 2) continue;
    const address = procAddress(remote[0]!);
    if (address === null) continue;
    out.set(connectionKey(address, parseInt(remote[1]!, 16), parseInt(local[1]!, 16)), parseInt(queues[0]!, 16));
  }
  return out;
}

/**
 * A /proc/net address as text: IPv4 is one 32-bit word, IPv6 four, each printed in the host's
 * byte order (little-endian here, so each word's bytes come reversed). An IPv4-mapped IPv6
 * address is given as its IPv4 form, as Node may report either for the same peer.
 */
export function procAddress(hex: string): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return bytes.slice(12).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return canonicalAddress(groups.join(':'));
}

/** One spelling per address: IPv4-mapped IPv6 as IPv4, IPv6 compressed and lower-case. */
export function canonicalAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  try {
    return new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}
