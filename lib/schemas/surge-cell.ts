import { z } from 'zod';

/** One window's surge for one H3 cell on surge.cells (keyed by cell; the latest window wins). */
export const SurgeCell = z.object({
  cell: z.string().regex(/^[0-9a-f]{15}$/),
  windowStart: z.number().int(),
  windowEnd: z.number().int(),
  /** Ride requests in the cell during the window. */
  demand: z.number().int().min(0),
  /** Distinct drivers seen idle in the cell during the window. */
  supply: z.number().int().min(0),
  multiplier: z.number().min(1),
});
export type SurgeCell = z.infer<typeof SurgeCell>;
