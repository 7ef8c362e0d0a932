import { z } from 'zod';

/** A rider asking for a ride on raw.ride-requests; the surge job counts these as demand. */
export const RideRequest = z.object({
  requestId: z.string().min(1).max(64),
  riderId: z.string().min(1).max(64),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Event time, epoch milliseconds (also the record's timestamp). */
  ts: z.number().int().positive(),
});
export type RideRequest = z.infer<typeof RideRequest>;
