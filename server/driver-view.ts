import { statusCode, type DriverTuple } from '../lib/protocol';
import type { DriverPosition } from '../lib/schemas/driver-location';

/** What changed since the previous delta was taken (see takeDelta). */
export interface ViewDelta {
  readonly upserts: DriverTuple[];
  /** Drivers gone since then, with the slot each had (given back once this delta is taken). */
  readonly removals: (readonly [string, number])[];
  /** Slots given out since then, as [index, driver id]. */
  readonly assigned: (readonly [number, string])[];
}

/**
 * The latest position per driver, and what changed since the last delta was taken. Changes
 * to one driver between two deltas are conflated: only its latest position is sent.
 *
 * Clients know drivers by a slot number (the dictionary). A driver that leaves gives its slot
 * back once the delta carrying its removal has been taken, so a later driver can have it: the
 * dictionary, and so every snapshot, stays as large as the fleet rather than every id ever seen.
 * Clients read deltas in order, so none sees a slot reused before it has seen it freed.
 */
export class DriverView {
  private readonly drivers = new Map<string, DriverTuple>();
  private readonly indexOf = new Map<string, number>();
  /** Slot -> driver id; '' for a free slot. */
  private readonly ids: string[] = [];
  private readonly free: number[] = [];
  private assigned: [number, string][] = [];
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private newest = 0;
  private conflatedCount = 0;

  get size(): number {
    return this.drivers.size;
  }

  /** Slots in the dictionary, free ones included: what a snapshot's `ids` holds. */
  get slots(): number {
    return this.ids.length;
  }

  /** Newest event time applied (epoch ms), never later than now: freshness is not a single record's say. */
  get newestEventTime(): number {
    return Math.min(this.newest, Date.now());
  }

  /**
   * Applies a position; returns false when it is not newer than what the view holds, so that a
   * replay of the topic changes nothing and sends nothing.
   */
  apply(p: DriverPosition): boolean {
    const current = this.drivers.get(p.driverId);
    if (current && current[5] >= p.ts) return false;
    if (!this.indexOf.has(p.driverId)) {
      const slot = this.free.pop() ?? this.ids.length;
      this.ids[slot] = p.driverId;
      this.indexOf.set(p.driverId, slot);
      this.assigned.push([slot, p.driverId]);
    }
    this.drivers.set(p.driverId, [p.driverId, p.lon, p.lat, statusCode(p.status), p.headingDeg ?? 0, p.ts]);
    if (this.changed.has(p.driverId)) this.conflatedCount++;
    else this.changed.add(p.driverId);
    this.removed.delete(p.driverId);
    if (p.ts > this.newest) this.newest = p.ts;
    return true;
  }

  remove(driverId: string): void {
    if (!this.drivers.delete(driverId)) return;
    this.changed.delete(driverId);
    this.removed.add(driverId);
  }

  /**
   * Drops drivers whose last position is older than `cutoffTs` (event time): a driver that
   * stopped reporting leaves the map instead of standing still on it forever. Returns how
   * many were dropped; they go out as removals in the next delta.
   */
  expireOlderThan(cutoffTs: number): number {
    let expired = 0;
    for (const [id, tuple] of this.drivers) {
      if (tuple[5] < cutoffTs) {
        this.remove(id);
        expired++;
      }
    }
    return expired;
  }

  /** Positions replaced by a newer one before a delta carried them, since the last call. */
  takeConflatedCount(): number {
    const n = this.conflatedCount;
    this.conflatedCount = 0;
    return n;
  }

  snapshot(): DriverTuple[] {
    return [...this.drivers.values()];
  }

  /** The whole dictionary (slot -> driver id, '' when free), as a snapshot sends it. */
  dictionary(): string[] {
    return [...this.ids];
  }

  indexFor(driverId: string): number {
    return this.indexOf.get(driverId)!;
  }

  /** What changed since the previous call, or null if nothing did. */
  takeDelta(): ViewDelta | null {
    if (this.changed.size === 0 && this.removed.size === 0 && this.assigned.length === 0) return null;
    const upserts = [...this.changed].map((id) => this.drivers.get(id)!);
    const removals = [...this.removed].map((id) => [id, this.indexOf.get(id)!] as const);
    const assigned = this.assigned;
    this.assigned = [];
    this.changed.clear();
    this.removed.clear();
    // This delta tells every client the slot is empty; from the next one on, it may be reused.
    for (const [id, slot] of removals) {
      this.indexOf.delete(id);
      this.ids[slot] = '';
      this.free.push(slot);
    }
    return { upserts, removals, assigned };
  }
}
