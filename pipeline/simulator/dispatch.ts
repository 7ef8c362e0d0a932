import { distanceMeters, type LonLat } from '../../lib/geo';

/** A ride request waiting for a driver. */
export interface OpenRequest {
  readonly requestId: string;
  readonly riderId: string;
  readonly at: LonLat;
  /** Simulated time it was made. */
  readonly createdMs: number;
}

/** A driver free to take a ride, where it is now. */
export interface IdleDriver {
  readonly driverId: string;
  readonly at: LonLat;
}

export interface Assignment {
  readonly request: OpenRequest;
  readonly driverId: string;
  /** Straight-line distance from the driver to the rider. */
  readonly distanceM: number;
}

export interface Cancellation {
  readonly request: OpenRequest;
  /** How long the rider waited before giving up. */
  readonly waitedMs: number;
}

export interface DispatchOptions {
  /** Farthest a driver may be sent for a pickup (straight line). */
  readonly radiusM: number;
  /** A rider no driver could be found for within this long cancels. */
  readonly timeoutMs: number;
  /** Open requests kept at most; the oldest are cancelled first beyond it. */
  readonly maxOpen?: number;
}

/** Degrees of latitude per metre; longitude cells are widened by the latitude's cosine. */
const DEG_PER_M = 1 / 111_320;

/**
 * Matches ride requests to idle drivers as a dispatcher does: the oldest waiting request first,
 * each to the nearest idle driver within a radius; a request nobody can reach within the timeout
 * is cancelled (the rider gives up). Pure: it holds the open requests, and each match() is given
 * the drivers idle at that moment and says who was sent where.
 */
export class Dispatcher {
  private open: OpenRequest[] = [];
  private readonly maxOpen: number;

  constructor(private readonly options: DispatchOptions) {
    this.maxOpen = options.maxOpen ?? 100_000;
  }

  /** Requests waiting for a driver. */
  get waiting(): number {
    return this.open.length;
  }

  request(r: OpenRequest): void {
    this.open.push(r);
  }

  match(nowMs: number, idle: readonly IdleDriver[]): { assigned: Assignment[]; cancelled: Cancellation[] } {
    const cancelled: Cancellation[] = [];
    const assigned: Assignment[] = [];
    const index = new IdleIndex(idle, this.options.radiusM);
    const still: OpenRequest[] = [];
    for (const r of this.open) {
      const driver = index.takeNearest(r.at, this.options.radiusM);
      if (driver) assigned.push({ request: r, driverId: driver.driverId, distanceM: driver.distanceM });
      else if (nowMs - r.createdMs >= this.options.timeoutMs) cancelled.push({ request: r, waitedMs: nowMs - r.createdMs });
      else still.push(r);
    }
    while (still.length > this.maxOpen) {
      const r = still.shift()!;
      cancelled.push({ request: r, waitedMs: nowMs - r.createdMs });
    }
    this.open = still;
    return { assigned, cancelled };
  }
}

/** Idle drivers bucketed in cells about a radius wide: a nearest search looks at 3 × 3 cells. */
class IdleIndex {
  private readonly cells = new Map<string, IdleDriver[]>();
  private readonly cellLat: number;
  private readonly cellLon: number;

  constructor(drivers: readonly IdleDriver[], radiusM: number, latitude = drivers[0]?.at.lat ?? 0) {
    this.cellLat = radiusM * DEG_PER_M;
    this.cellLon = this.cellLat / Math.max(0.1, Math.cos((latitude * Math.PI) / 180));
    for (const d of drivers) {
      const key = this.key(Math.floor(d.at.lat / this.cellLat), Math.floor(d.at.lon / this.cellLon));
      const list = this.cells.get(key);
      if (list) list.push(d);
      else this.cells.set(key, [d]);
    }
  }

  /** The nearest driver within `radiusM` of `at`, removed from the index; null if none. */
  takeNearest(at: LonLat, radiusM: number): (IdleDriver & { distanceM: number }) | null {
    const row = Math.floor(at.lat / this.cellLat);
    const col = Math.floor(at.lon / this.cellLon);
    let best: { list: IdleDriver[]; i: number; distanceM: number } | null = null;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const list = this.cells.get(this.key(row + dr, col + dc));
        if (!list) continue;
        for (let i = 0; i < list.length; i++) {
          const distanceM = distanceMeters(at, list[i]!.at);
          // Ties go to the driver listed first: the same input always sends the same driver.
          if (distanceM <= radiusM && (!best || distanceM < best.distanceM)) best = { list, i, distanceM };
        }
      }
    }
    if (!best) return null;
    const [driver] = best.list.splice(best.i, 1);
    return { ...driver!, distanceM: best.distanceM };
  }

  private key(row: number, col: number): string {
    return `${row}:${col}`;
  }
}
