import { describe, expect, it } from 'vitest';
import { bengaluru, buildRoadNetwork, nearestNode, shortestRoute } from './city';
import { distanceMeters } from './geo';

const network = buildRoadNetwork(bengaluru);

function reachableFrom(start: number): Set<number> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of network.adjacency[queue.shift()!]!) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('Bengaluru road network', () => {
  it('is the same on every build, so the map draws the streets the simulator drives', () => {
    expect(buildRoadNetwork(bengaluru)).toEqual(network);
  });

  it('keeps every node inside the bounding box', () => {
    const { west, south, east, north } = bengaluru.bbox;
    for (const n of network.nodes) {
      expect(n.lon).toBeGreaterThanOrEqual(west);
      expect(n.lon).toBeLessThanOrEqual(east);
      expect(n.lat).toBeGreaterThanOrEqual(south);
      expect(n.lat).toBeLessThanOrEqual(north);
    }
  });

  it('connects every node to every other', () => {
    expect(reachableFrom(0).size).toBe(network.nodes.length);
  });

  it('has merged blocks, so streets are not a perfect grid', () => {
    const n = bengaluru.gridSize;
    expect(network.edges.length).toBeLessThan(2 * n * (n - 1));
    expect(network.edges.length).toBeGreaterThan(1.5 * n * (n - 1));
  });
});

describe('shortestRoute', () => {
  it('follows streets from start to end', () => {
    const from = nearestNode(network, bengaluru.landmarks[0]!);
    const to = nearestNode(network, bengaluru.landmarks[4]!);
    const route = shortestRoute(network, from, to)!;
    expect(route[0]).toBe(from);
    expect(route.at(-1)).toBe(to);
    for (let i = 1; i < route.length; i++) expect(network.adjacency[route[i - 1]!]).toContain(route[i]);
  });

  it('is no longer than a random walk would be and at least the straight line', () => {
    const from = 0;
    const to = network.nodes.length - 1;
    const route = shortestRoute(network, from, to)!;
    let length = 0;
    for (let i = 1; i < route.length; i++) length += distanceMeters(network.nodes[route[i - 1]!]!, network.nodes[route[i]!]!);
    const straight = distanceMeters(network.nodes[from]!, network.nodes[to]!);
    expect(length).toBeGreaterThanOrEqual(straight);
    // A Manhattan-style grid route is at most about sqrt(2) times the diagonal, plus detours.
    expect(length).toBeLessThan(straight * 1.6);
  });

  it('returns a single node for a route to itself', () => {
    expect(shortestRoute(network, 7, 7)).toEqual([7]);
  });
});
