import { distanceMeters, type LonLat } from './geo';
import { seededRandom } from './random';

export interface BoundingBox {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

export interface Landmark extends LonLat {
  readonly name: string;
  /** Areas are labelled on the map; venues (stadiums, stations) are places demand spikes. */
  readonly kind: 'area' | 'venue';
}

export interface CityDefinition {
  readonly name: string;
  readonly bbox: BoundingBox;
  /** Grid size of the synthetic road network (nodes per side). */
  readonly gridSize: number;
  /** Fixed so that the simulator and the map draw the same streets whatever the run's seed. */
  readonly roadSeed: number;
  readonly landmarks: readonly Landmark[];
}

export const bengaluru: CityDefinition = {
  name: 'Bengaluru',
  bbox: { west: 77.46, south: 12.834, east: 77.784, north: 13.139 },
  gridSize: 26,
  roadSeed: 560001,
  landmarks: [
    { name: 'MG Road', kind: 'area', lon: 77.605, lat: 12.9756 },
    { name: 'Koramangala', kind: 'area', lon: 77.6245, lat: 12.9352 },
    { name: 'Indiranagar', kind: 'area', lon: 77.6408, lat: 12.9784 },
    { name: 'Whitefield', kind: 'area', lon: 77.75, lat: 12.9698 },
    { name: 'Electronic City', kind: 'area', lon: 77.6602, lat: 12.8452 },
    { name: 'Hebbal', kind: 'area', lon: 77.597, lat: 13.0358 },
    { name: 'Yelahanka', kind: 'area', lon: 77.5963, lat: 13.1007 },
    { name: 'Jayanagar', kind: 'area', lon: 77.5938, lat: 12.925 },
    { name: 'Malleshwaram', kind: 'area', lon: 77.5709, lat: 13.0035 },
    { name: 'Marathahalli', kind: 'area', lon: 77.6974, lat: 12.9591 },
    { name: 'Chinnaswamy Stadium', kind: 'venue', lon: 77.5996, lat: 12.9788 },
    { name: 'Rajajinagar', kind: 'area', lon: 77.5525, lat: 12.9914 },
  ],
};

export interface RoadNetwork {
  readonly nodes: readonly LonLat[];
  /** adjacency[i] lists the nodes joined to node i by a street. */
  readonly adjacency: readonly (readonly number[])[];
  /** Each street once, as [from, to] node indices. */
  readonly edges: readonly (readonly [number, number])[];
}

/**
 * A jittered street grid over the city's bounding box with some blocks merged (streets
 * removed), so that routes bend like real ones. Deterministic from the city definition.
 */
export function buildRoadNetwork(city: CityDefinition): RoadNetwork {
  const rnd = seededRandom(city.roadSeed);
  const n = city.gridSize;
  const { west, south, east, north } = city.bbox;
  const dLon = (east - west) / (n - 1);
  const dLat = (north - south) / (n - 1);
  const nodes: LonLat[] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const edge = row === 0 || col === 0 || row === n - 1 || col === n - 1;
      const jitter = edge ? 0 : 0.35;
      nodes.push({
        lon: west + dLon * (col + rnd.between(-jitter, jitter)),
        lat: south + dLat * (row + rnd.between(-jitter, jitter)),
      });
    }
  }
  const adjacency: number[][] = nodes.map(() => []);
  const edges: [number, number][] = [];
  const join = (a: number, b: number): void => {
    adjacency[a]!.push(b);
    adjacency[b]!.push(a);
    edges.push([a, b]);
  };
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col;
      const border = row === 0 || col === 0 || row === n - 1 || col === n - 1;
      // An interior node loses at most one of its two forward streets, which merges blocks
      // without cutting the grid apart; the border is always kept, as a ring road.
      const drop = border || !rnd.chance(0.24) ? null : rnd.chance(0.5) ? 'east' : 'north';
      if (col + 1 < n && drop !== 'east') join(i, i + 1);
      if (row + 1 < n && drop !== 'north') join(i, i + n);
    }
  }
  return { nodes, adjacency, edges };
}

/** The node nearest to a point (linear scan; the network has a few hundred nodes). */
export function nearestNode(network: RoadNetwork, point: LonLat): number {
  let best = 0;
  let bestDistance = Infinity;
  network.nodes.forEach((node, i) => {
    const d = distanceMeters(node, point);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}

/**
 * Shortest route between two nodes by A* over street lengths; returns the node indices from
 * `from` to `to` inclusive, or null when `to` cannot be reached.
 */
export function shortestRoute(network: RoadNetwork, from: number, to: number): number[] | null {
  const { nodes, adjacency } = network;
  const target = nodes[to]!;
  const cost = new Map<number, number>([[from, 0]]);
  const previous = new Map<number, number>();
  const open = new MinHeap();
  open.push(from, distanceMeters(nodes[from]!, target));
  const closed = new Set<number>();
  while (open.size > 0) {
    const current = open.pop();
    if (current === to) return unwind(previous, to);
    if (closed.has(current)) continue;
    closed.add(current);
    const base = cost.get(current)!;
    for (const next of adjacency[current]!) {
      if (closed.has(next)) continue;
      const g = base + distanceMeters(nodes[current]!, nodes[next]!);
      if (g < (cost.get(next) ?? Infinity)) {
        cost.set(next, g);
        previous.set(next, current);
        open.push(next, g + distanceMeters(nodes[next]!, target));
      }
    }
  }
  return null;
}

function unwind(previous: Map<number, number>, to: number): number[] {
  const route = [to];
  let at = to;
  while (previous.has(at)) {
    at = previous.get(at)!;
    route.push(at);
  }
  return route.reverse();
}

/** Binary min-heap of node indices by priority, for A*. */
class MinHeap {
  private readonly items: number[] = [];
  private readonly priorities: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: number, priority: number): void {
    this.items.push(item);
    this.priorities.push(priority);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.priorities[parent]! <= this.priorities[i]!) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number {
    const top = this.items[0]!;
    const lastItem = this.items.pop()!;
    const lastPriority = this.priorities.pop()!;
    if (this.items.length > 0) {
      this.items[0] = lastItem;
      this.priorities[0] = lastPriority;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < this.items.length && this.priorities[l]! < this.priorities[smallest]!) smallest = l;
        if (r < this.items.length && this.priorities[r]! < this.priorities[smallest]!) smallest = r;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
    [this.priorities[a], this.priorities[b]] = [this.priorities[b]!, this.priorities[a]!];
  }
}
