import { createHmac } from 'node:crypto';

/**
 * GDPR pseudonymisation for people in the data (riders): the same person always gets the same
 * pseudonym, so patterns stay visible, but without the key (server-side, from the environment
 * or a secret file) nobody can go back to the id. Domain-separated from card tokens.
 */
export function pseudonymise(id: string, key: string, kind = 'rider'): string {
  return `${kind}_${createHmac('sha256', key).update(`${kind}\u0000${id}`, 'utf8').digest('hex').slice(0, 16)}`;
}

/** Cell size of coarsened locations: 0.005° is about 550 m of latitude. */
export const COARSE_DEGREES = 0.005;

/**
 * A location snapped to the centre of its 0.005° cell: enough for "which part of town",
 * not for "which house", for roles that must not see where a person precisely is.
 */
export function coarsen(lat: number, lon: number, cell = COARSE_DEGREES): { lat: number; lon: number } {
  return { lat: coarsenDegrees(lat, cell), lon: coarsenDegrees(lon, cell) };
}

/** One coordinate snapped to the centre of its cell. */
export function coarsenDegrees(value: number, cell = COARSE_DEGREES): number {
  return Number(((Math.floor(value / cell) + 0.5) * cell).toFixed(6));
}
