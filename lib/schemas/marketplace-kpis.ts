import { z } from 'zod';

/**
 * One minute of the marketplace on marketplace.kpis (event time), as the kpis job writes it from
 * raw.trip-events: how many requests found a driver and how many riders gave up, how long
 * pickups took, trips started and completed.
 */
export const MarketplaceKpis = z.object({
  windowStart: z.number().int(),
  windowEnd: z.number().int(),
  /** Requests a driver was sent to in the minute. */
  assigned: z.number().int().min(0),
  /** Requests nobody could reach before the rider gave up. */
  unfulfilled: z.number().int().min(0),
  /** assigned ÷ (assigned + unfulfilled); null in a minute with neither. */
  fulfilment: z.number().min(0).max(1).nullable(),
  /** Assignment to pickup of the trips started in the minute, milliseconds; null with none. */
  pickupEtaP50Ms: z.number().min(0).nullable(),
  pickupEtaP90Ms: z.number().min(0).nullable(),
  tripsStarted: z.number().int().min(0),
  tripsCompleted: z.number().int().min(0),
});
export type MarketplaceKpis = z.infer<typeof MarketplaceKpis>;
