import { Deck, MapView } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';

/**
 * The baseline for the map's frame time: bare deck.gl drawing the same number of drivers over
 * the same city, every one moving every frame, with nothing else on the page.
 */
const params = new URLSearchParams(location.search);
const count = Number(params.get('drivers') ?? 20_000);
const bbox = { west: 77.46, south: 12.834, east: 77.784, north: 13.139 };
const base = new Float32Array(count * 2);
for (let i = 0; i < count; i++) {
  base[i * 2] = bbox.west + Math.random() * (bbox.east - bbox.west);
  base[i * 2 + 1] = bbox.south + Math.random() * (bbox.north - bbox.south);
}
const colors = new Uint8Array(count * 4).map((_, i) => (i % 4 === 3 ? 255 : 120 + ((i * 37) % 120)));
const deck = new Deck({
  parent: document.getElementById('map') as HTMLDivElement,
  views: new MapView({ repeat: false }),
  initialViewState: { longitude: 77.622, latitude: 12.9865, zoom: 11 },
  controller: false,
});

function frame(t: number): void {
  const positions = new Float32Array(count * 2);
  const d = Math.sin(t / 1000) * 0.0005;
  for (let i = 0; i < count * 2; i++) positions[i] = base[i]! + d;
  deck.setProps({
    layers: [
      new ScatterplotLayer({
        id: 'drivers',
        data: { length: count, attributes: { getPosition: { value: positions, size: 2 }, getFillColor: { value: colors, size: 4, normalized: true } } },
        getRadius: 3,
        radiusUnits: 'pixels',
        radiusMinPixels: 2,
      }),
    ],
  });
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
