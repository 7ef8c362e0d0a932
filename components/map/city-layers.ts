import { PathLayer, TextLayer } from '@deck.gl/layers';
import { bengaluru, buildRoadNetwork } from '../../lib/city';

/**
 * The city drawn from local data: the streets the simulator drives on and named areas. No
 * tiles are fetched, so the map works on machines without internet.
 */
const network = buildRoadNetwork(bengaluru);
const streets = network.edges.map(([a, b]) => {
  const from = network.nodes[a]!;
  const to = network.nodes[b]!;
  return [
    [from.lon, from.lat],
    [to.lon, to.lat],
  ];
});

export function cityLayers() {
  return [
    new PathLayer<number[][]>({
      id: 'streets',
      data: streets,
      getPath: (d) => d as [number, number][],
      getColor: [51, 65, 85, 255],
      getWidth: 1.5,
      widthUnits: 'pixels',
    }),
    new TextLayer({
      id: 'areas',
      data: bengaluru.landmarks.filter((l) => l.kind === 'area'),
      getPosition: (d) => [d.lon, d.lat],
      getText: (d) => d.name,
      getSize: 13,
      getColor: [148, 163, 184, 230],
      fontWeight: 600,
      outlineWidth: 3,
      outlineColor: [11, 18, 32, 255],
      fontSettings: { sdf: true },
    }),
  ];
}

export const cityCenter = {
  longitude: (bengaluru.bbox.west + bengaluru.bbox.east) / 2,
  latitude: (bengaluru.bbox.south + bengaluru.bbox.north) / 2,
};
