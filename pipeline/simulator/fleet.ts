import { buildRoadNetwork, nearestNode, shortestRoute, type CityDefinition, type RoadNetwork } from '../../lib/city';
import { bearingDeg, distanceMeters, interpolate, round6, type LonLat } from '../../lib/geo';
import { seededRandom, type Random } from '../../lib/random';
import type { DriverLocation, DriverStatus } from '../../lib/schemas/driver-location';

/**
 * A seeded, deterministic fleet moving along the city's streets. Time is simulated: step()
 * advances it, so the same seed and steps give the same positions, whatever the wall clock.
 *
 * Each driver cycles idle (parked, now and then repositioning) -> en_route to a nearby pickup
 * -> on_trip to a destination a few km away -> idle; a few go offline for a while. Left to
 * itself an idle driver picks up an imagined rider; dispatched (the marketplace), it waits to be
 * sent to a request (assign()) and meanwhile drifts towards where riders are.
 */

/** A ride's progress, as the fleet sees it. */
export interface TripProgress {
  readonly kind: 'started' | 'completed';
  readonly requestId: string;
  readonly driverId: string;
  /** Simulated time. */
  readonly atMs: number;
}

export interface Driver {
  readonly id: string;
  status: DriverStatus;
  position: LonLat;
  headingDeg: number;
  speedKmh: number;
  /** Node the driver last passed. */
  atNode: number;
  /** Nodes still to drive through, next first. */
  route: number[];
  /** Metres driven along the current street (atNode -> route[0]). */
  progressM: number;
  /** Simulated time at which a waiting (idle parked or offline) driver acts next. */
  waitUntilMs: number;
  /** The request it is driving to or with, when dispatched. */
  requestId: string | null;
}

export interface FleetOptions {
  readonly city: CityDefinition;
  readonly drivers: number;
  readonly seed: number;
  /**
   * Dispatched: drivers take rides only when assigned one. An idle driver asks `driftTowards`
   * where to drift (a busy area), and a ride asks `destination` where it goes, between the two
   * distances; either answering null leaves it to chance.
   */
  readonly dispatched?: {
    readonly driftTowards: (driver: Driver) => LonLat | null;
    readonly destination: (driver: Driver, minM: number, maxM: number) => LonLat | null;
  };
}

const MIN_TRIP_M = 2_000;
const MAX_TRIP_M = 12_000;

export class Fleet {
  readonly drivers: Driver[];
  readonly network: RoadNetwork;
  private readonly rnd: Random;
  private nowMs = 0;
  private readonly byId = new Map<string, Driver>();
  private progress: TripProgress[] = [];

  constructor(private readonly options: FleetOptions) {
    this.network = buildRoadNetwork(options.city);
    this.rnd = seededRandom(options.seed);
    const width = String(options.drivers).length;
    this.drivers = Array.from({ length: options.drivers }, (_, i) =>
      this.spawn(`drv-${String(i + 1).padStart(Math.max(5, width), '0')}`),
    );
    for (const d of this.drivers) this.byId.set(d.id, d);
  }

  /** Rides started and completed since the last call (dispatched fleets only). */
  takeProgress(): TripProgress[] {
    const out = this.progress;
    this.progress = [];
    return out;
  }

  /** Sends an idle driver to pick a rider up; false if it is not idle (any more). */
  assign(driverId: string, pickup: LonLat, requestId: string): boolean {
    const driver = this.byId.get(driverId);
    if (!driver || driver.status !== 'idle') return false;
    driver.status = 'en_route';
    driver.requestId = requestId;
    const speedKmh = this.rnd.between(18, 35);
    this.driveTo(driver, nearestNode(this.network, pickup), speedKmh);
    // A rider nearest the driver's own corner is still some way off: the last stretch (straight
    // line, at the pickup's speed) takes its time before the ride starts (advance()).
    if (driver.route.length === 0) driver.waitUntilMs = this.nowMs + (distanceMeters(driver.position, pickup) / (speedKmh / 3.6)) * 1000;
    return true;
  }

  /** Simulated milliseconds since the fleet started. */
  get elapsedMs(): number {
    return this.nowMs;
  }

  step(dtMs: number): void {
    this.nowMs += dtMs;
    for (const driver of this.drivers) this.advance(driver, dtMs);
  }

  location(driver: Driver, eventTimeMs: number): DriverLocation {
    return {
      driverId: driver.id,
      lat: round6(driver.position.lat),
      lon: round6(driver.position.lon),
      status: driver.status,
      headingDeg: Math.round(driver.headingDeg * 10) / 10 % 360,
      speedKmh: Math.round(driver.speedKmh * 10) / 10,
      ts: eventTimeMs,
    };
  }

  private spawn(id: string): Driver {
    const node = this.rnd.int(this.network.nodes.length);
    const driver: Driver = {
      id,
      status: 'idle',
      position: this.network.nodes[node]!,
      headingDeg: this.rnd.between(0, 360),
      speedKmh: 0,
      atNode: node,
      route: [],
      progressM: 0,
      waitUntilMs: this.rnd.between(0, 240_000),
      requestId: null,
    };
    // Start mid-shift so that the first minute already looks like a working city (a dispatched
    // fleet's first trips carry riders from before it started: no request of its own).
    const roll = this.rnd.next();
    if (roll < 0.03) this.goOffline(driver);
    else if (roll < 0.5) this.startTrip(driver);
    else if (roll < 0.7 && !this.options.dispatched) this.startPickup(driver);
    return driver;
  }

  private advance(driver: Driver, dtMs: number): void {
    if (driver.route.length === 0) {
      if (this.nowMs < driver.waitUntilMs) return;
      if (driver.status === 'en_route' && driver.requestId) this.arrive(driver);
      else this.decideNext(driver);
      return;
    }
    let remainingM = (driver.speedKmh / 3.6) * (dtMs / 1000);
    while (remainingM > 0 && driver.route.length > 0) {
      const from = this.network.nodes[driver.atNode]!;
      const to = this.network.nodes[driver.route[0]!]!;
      const lengthM = distanceMeters(from, to);
      const leftM = lengthM - driver.progressM;
      if (remainingM < leftM) {
        driver.progressM += remainingM;
        driver.position = interpolate(from, to, lengthM === 0 ? 1 : driver.progressM / lengthM);
        driver.headingDeg = bearingDeg(from, to);
        remainingM = 0;
      } else {
        remainingM -= leftM;
        driver.atNode = driver.route.shift()!;
        driver.progressM = 0;
        driver.position = to;
      }
    }
    if (driver.route.length === 0) this.arrive(driver);
  }

  private arrive(driver: Driver): void {
    driver.speedKmh = 0;
    const requestId = driver.requestId;
    if (driver.status === 'en_route') {
      this.startTrip(driver);
      if (requestId) this.progress.push({ kind: 'started', requestId, driverId: driver.id, atMs: this.nowMs });
      return;
    }
    if (driver.status === 'on_trip' && requestId) this.progress.push({ kind: 'completed', requestId, driverId: driver.id, atMs: this.nowMs });
    driver.requestId = null;
    if (driver.status === 'on_trip' && this.rnd.chance(0.02)) {
      this.goOffline(driver);
    } else {
      driver.status = 'idle';
      // Waits of 1-7 min against trips of 5-30 min keep roughly a fifth of the fleet idle; a
      // dispatched driver waits for a ride where it is, and soon heads to where riders are.
      driver.waitUntilMs = this.nowMs + (this.options.dispatched ? this.rnd.between(30_000, 150_000) : this.rnd.between(60_000, 420_000));
    }
  }

  private decideNext(driver: Driver): void {
    const dispatched = this.options.dispatched;
    if (!dispatched) {
      if (driver.status === 'offline' || this.rnd.chance(0.8)) this.startPickup(driver);
      else this.reposition(driver);
      return;
    }
    // Dispatched: back online, or a while without a ride: towards riders, or a little way off.
    const towards = dispatched.driftTowards(driver);
    driver.status = 'idle';
    if (towards) this.driveTo(driver, nearestNode(this.network, towards), this.rnd.between(20, 35));
    else this.reposition(driver);
    driver.waitUntilMs = this.nowMs + this.rnd.between(60_000, 240_000);
  }

  private startPickup(driver: Driver): void {
    driver.status = 'en_route';
    this.driveTo(driver, this.nodeWithin(driver.atNode, 500, 3_000), this.rnd.between(18, 35));
  }

  private startTrip(driver: Driver): void {
    driver.status = 'on_trip';
    const to = this.options.dispatched?.destination(driver, MIN_TRIP_M, MAX_TRIP_M);
    this.driveTo(driver, to ? nearestNode(this.network, to) : this.nodeWithin(driver.atNode, MIN_TRIP_M, MAX_TRIP_M), this.rnd.between(20, 45));
  }

  private reposition(driver: Driver): void {
    driver.status = 'idle';
    this.driveTo(driver, this.nodeWithin(driver.atNode, 300, 1_500), this.rnd.between(12, 22));
  }

  private goOffline(driver: Driver): void {
    driver.status = 'offline';
    driver.speedKmh = 0;
    driver.route = [];
    driver.waitUntilMs = this.nowMs + this.rnd.between(120_000, 600_000);
  }

  private driveTo(driver: Driver, target: number, speedKmh: number): void {
    // A driver between two corners (sent somewhere new while repositioning) drives on to the
    // next one first: it never jumps back to the corner it passed.
    const next = driver.route.length > 0 && driver.progressM > 0 ? driver.route[0]! : null;
    const route = shortestRoute(this.network, next ?? driver.atNode, target);
    if (next !== null) {
      driver.route = route ? route : [next];
      driver.speedKmh = speedKmh;
      return;
    }
    driver.route = route ? route.slice(1) : [];
    driver.progressM = 0;
    driver.speedKmh = driver.route.length > 0 ? speedKmh : 0;
    if (driver.route.length === 0) driver.waitUntilMs = this.nowMs + 5_000;
  }

  /** A random node between minM and maxM from `from` (closest try if none fits). */
  private nodeWithin(from: number, minM: number, maxM: number): number {
    const origin = this.network.nodes[from]!;
    let best = from;
    let bestMiss = Infinity;
    for (let attempt = 0; attempt < 24; attempt++) {
      const candidate = this.rnd.int(this.network.nodes.length);
      const d = distanceMeters(origin, this.network.nodes[candidate]!);
      const miss = d < minM ? minM - d : d > maxM ? d - maxM : 0;
      if (miss === 0) return candidate;
      if (miss < bestMiss) {
        bestMiss = miss;
        best = candidate;
      }
    }
    return best;
  }
}
