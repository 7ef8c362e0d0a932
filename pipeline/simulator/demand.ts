import type { CityDefinition, Landmark } from '../../lib/city';
import { round6 } from '../../lib/geo';
import { gaussian, seededRandom, type Random } from '../../lib/random';
import { SteadyRate } from './steady-rate';
import type { RideRequest } from '../../lib/schemas/ride-request';

/**
 * Riders asking for rides, seeded and driven by simulated time like the fleet. Demand is a
 * citywide background plus hotspots around the city's areas whose weight swells and ebbs
 * (compressed rush hours, each area on its own phase) and a match at the stadium that lets
 * out now and then, so surge appears, moves and fades within minutes of watching.
 */

export interface DemandOptions {
  readonly city: CityDefinition;
  readonly seed: number;
  /** Mean requests per second across the city. */
  readonly requestsPerSecond: number;
  readonly riders: number;
}

/** Length of one compressed "day" of rush hours, in simulated ms. */
export const RUSH_CYCLE_MS = 10 * 60_000;
/** A stadium event lets out every EVENT_EVERY_MS for EVENT_LENGTH_MS. */
export const EVENT_EVERY_MS = 15 * 60_000;
export const EVENT_LENGTH_MS = 4 * 60_000;
const EVENT_START_MS = 3 * 60_000;
const BACKGROUND_SHARE = 0.35;
const HOTSPOT_SPREAD_DEG = 0.006;
/** A crowd leaving a venue is tighter than an area's rush. */
const VENUE_SPREAD_DEG = 0.0025;
/**
 * A match letting out adds riders on top of the city's rate, this share of it, all at the venue:
 * a crowd is extra demand, not riders taken from elsewhere, so the stadium can outrun the
 * drivers near it even in a city whose drivers keep up everywhere else.
 */
export const VENUE_CROWD_SHARE = 0.25;

export class DemandModel {
  private readonly rnd: Random;
  private readonly phases: number[];
  private readonly riderWidth: number;
  private nowMs = 0;
  private readonly rate: SteadyRate;
  private readonly crowd: SteadyRate;
  private readonly venue: Landmark | undefined;
  private issued = 0;

  constructor(private readonly options: DemandOptions) {
    this.rate = new SteadyRate(options.requestsPerSecond);
    this.crowd = new SteadyRate(options.requestsPerSecond * VENUE_CROWD_SHARE);
    this.venue = options.city.landmarks.find((l) => l.kind === 'venue');
    this.rnd = seededRandom(options.seed ^ 0xd3a4d);
    this.phases = options.city.landmarks.map(() => this.rnd.next() * 2 * Math.PI);
    this.riderWidth = Math.max(6, String(options.riders).length);
  }

  /** Weight of a landmark's hotspot at simulated time t (0 when it is quiet). */
  hotspotWeight(index: number, t: number): number {
    const landmark = this.options.city.landmarks[index]!;
    if (landmark.kind === 'venue') return stadiumLetsOut(t) ? 6 : 0;
    return 1 + Math.sin((2 * Math.PI * t) / RUSH_CYCLE_MS + this.phases[index]!);
  }

  /** Advances simulated time by dtMs and returns the requests made meanwhile, stamped eventTimeMs. */
  step(dtMs: number, eventTimeMs: number): RideRequest[] {
    this.nowMs += dtMs;
    const count = this.rate.due(dtMs);
    const requests: RideRequest[] = [];
    for (let i = 0; i < count; i++) requests.push(this.request(eventTimeMs, this.rnd.chance(BACKGROUND_SHARE) ? this.anywhere() : this.nearHotspot()));
    const crowd = this.venue && stadiumLetsOut(this.nowMs) ? this.crowd.due(dtMs) : 0;
    for (let i = 0; i < crowd; i++) requests.push(this.request(eventTimeMs, this.around(this.venue!)));
    return requests;
  }

  private request(ts: number, where: { lat: number; lon: number }): RideRequest {
    const { city } = this.options;
    this.issued++;
    return {
      requestId: `req-${this.options.seed}-${this.issued}`,
      riderId: `rdr-${String(1 + this.rnd.int(this.options.riders)).padStart(this.riderWidth, '0')}`,
      lat: round6(clamp(where.lat, city.bbox.south, city.bbox.north)),
      lon: round6(clamp(where.lon, city.bbox.west, city.bbox.east)),
      ts,
    };
  }

  private anywhere(): { lat: number; lon: number } {
    const { bbox } = this.options.city;
    return { lat: this.rnd.between(bbox.south, bbox.north), lon: this.rnd.between(bbox.west, bbox.east) };
  }

  private nearHotspot(): { lat: number; lon: number } {
    const landmarks = this.options.city.landmarks;
    const weights = landmarks.map((_, i) => this.hotspotWeight(i, this.nowMs));
    return this.around(landmarks[pickWeighted(weights, this.rnd.next())]!);
  }

  private around(spot: Landmark): { lat: number; lon: number } {
    const spread = spot.kind === 'venue' ? VENUE_SPREAD_DEG : HOTSPOT_SPREAD_DEG;
    return { lat: spot.lat + gaussian(this.rnd) * spread, lon: spot.lon + gaussian(this.rnd) * spread };
  }
}

export function stadiumLetsOut(t: number): boolean {
  const intoCycle = (t - EVENT_START_MS) % EVENT_EVERY_MS;
  return t >= EVENT_START_MS && intoCycle < EVENT_LENGTH_MS;
}

/** Index drawn in proportion to weights, for u uniform in [0, 1). */
export function pickWeighted(weights: readonly number[], u: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let target = u * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  return weights.length - 1;
}


function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
