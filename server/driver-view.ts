import { statusCode, type DriverTuple } from '../lib/protocol';
import type { DriverPosition } from '../lib/schemas/driver-location';

/**
 * The latest position per driver, and what changed since the last delta was taken. Changes
 * to one driver between two deltas are conflated: only its latest position is sent.
 */
export class DriverView {
  private readonly drivers = new Map<string, DriverTuple>();
  /** The driver dictionary clients receive: a driver keeps its index for the gateway's life. */
  private readonly indexOf = new Map<string, number>();
  private readonly ids: string[] = [];
  private newIds: string[] = [];
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private newest = 0;
  private conflatedCount = 0;

  get size(): number {
    return this.drivers.size;
  }

  /** Newest event time applied (epoch ms). */
  get newestEventTime(): number {
    return this.newest;
  }

  /**
   * Applies a position; returns false when it is not newer than what the view holds, so that a
   * replay of the topic changes nothing and sends nothing.
   */
  apply(p: DriverPosition): boolean {
    const current = this.drivers.get(p.driverId);
    if (current && current[5] >= p.ts) return false;
    if (!this.indexOf.has(p.driverId)) {
      this.indexOf.set(p.driverId, this.ids.length);
      this.ids.push(p.driverId);
      this.newIds.push(p.driverId);
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

  /** The whole dictionary (index -> driver id), as a snapshot sends it. */
  dictionary(): string[] {
    return [...this.ids];
  }

  indexFor(driverId: string): number {
    return this.indexOf.get(driverId)!;
  }

  /**
   * What changed since the previous call, or null if nothing did; `newIds` are the drivers
   * first seen since then, at dictionary indices from `base` on.
   */
  takeDelta(): { upserts: DriverTuple[]; removals: string[]; base: number; newIds: string[] } | null {
    if (this.changed.size === 0 && this.removed.size === 0) return null;
    const upserts = [...this.changed].map((id) => this.drivers.get(id)!);
    const removals = [...this.removed];
    const newIds = this.newIds;
    this.newIds = [];
    this.changed.clear();
    this.removed.clear();
    return { upserts, removals, base: this.ids.length - newIds.length, newIds };
  }
}
