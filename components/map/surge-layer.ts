import { PolygonLayer } from '@deck.gl/layers';
import { cellToBoundary } from 'h3-js';
import type { SurgeCell } from '../../lib/schemas/surge-cell';

export interface SurgePolygon {
  readonly cell: SurgeCell;
  readonly polygon: [number, number][];
}

/** Cells that surge (multiplier above 1.0x), with their hexagon outlines as [lon, lat]. */
export function surgePolygons(cells: readonly SurgeCell[]): SurgePolygon[] {
  return cells.filter((c) => c.multiplier > 1).map((cell) => ({ cell, polygon: cellToBoundary(cell.cell, true) as [number, number][] }));
}

/** Amber at 1.1x to red at the 3.0x cap, more opaque the higher the surge. */
export function surgeColor(multiplier: number): [number, number, number, number] {
  const t = Math.min(1, Math.max(0, (multiplier - 1) / 2));
  return [Math.round(245 + 10 * t), Math.round(158 - 120 * t), Math.round(11 + 20 * t), Math.round(70 + 110 * t)];
}

export function surgeLayer(polygons: readonly SurgePolygon[]): PolygonLayer<SurgePolygon> {
  return new PolygonLayer<SurgePolygon>({
    id: 'surge',
    data: polygons,
    getPolygon: (d) => d.polygon,
    getFillColor: (d) => surgeColor(d.cell.multiplier),
    getLineColor: [255, 255, 255, 40],
    lineWidthMinPixels: 1,
    pickable: true,
  });
}
