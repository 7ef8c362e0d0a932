import { z } from 'zod';
import type { BoundingBox } from './city';

/** A map viewport in degrees. The antimeridian is not supported (no city spans it). */
export const Viewport = z
  .object({
    west: z.number().min(-180).max(180),
    south: z.number().min(-90).max(90),
    east: z.number().min(-180).max(180),
    north: z.number().min(-90).max(90),
  })
  .refine((v) => v.west < v.east && v.south < v.north, { message: 'west must be < east and south < north' });
export type Viewport = z.infer<typeof Viewport>;

export function contains(v: Viewport, lon: number, lat: number): boolean {
  return lon >= v.west && lon <= v.east && lat >= v.south && lat <= v.north;
}

/** Grows a viewport by `fraction` of its size on every side, so a small pan needs no resync. */
export function padded(v: Viewport, fraction: number): Viewport {
  const dx = (v.east - v.west) * fraction;
  const dy = (v.north - v.south) * fraction;
  return {
    west: Math.max(-180, v.west - dx),
    south: Math.max(-90, v.south - dy),
    east: Math.min(180, v.east + dx),
    north: Math.min(90, v.north + dy),
  };
}

/** True when the viewport shows the whole box: filtering would send everything anyway. */
export function covers(v: Viewport, box: BoundingBox): boolean {
  return v.west <= box.west && v.east >= box.east && v.south <= box.south && v.north >= box.north;
}
