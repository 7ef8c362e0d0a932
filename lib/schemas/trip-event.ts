import { z } from 'zod';

/** What happens to a ride request, in order: assigned → started → completed, or cancelled. */
export const tripEventKinds = ['assigned', 'started', 'completed', 'cancelled'] as const;
export type TripEventKind = (typeof tripEventKinds)[number];

/**
 * One step of a ride request on raw.trip-events, as the dispatch service reports it; keyed by
 * request id, so a request's steps stay in order. The KPI job counts fulfilment, pickup times
 * and trips from these.
 */
export const TripEvent = z.object({
  /** `<requestId>:<kind>`: a step reported twice (a retry) is the same event. */
  eventId: z.string().min(1).max(80),
  kind: z.enum(tripEventKinds),
  requestId: z.string().min(1).max(64),
  /** The driver sent; absent on a cancellation (nobody was). */
  driverId: z.string().min(1).max(64).optional(),
  /** assigned: how far (straight line, metres) the driver was from the rider. */
  distanceM: z.number().int().min(0).max(100_000).optional(),
  /** started: milliseconds from assignment to pickup; cancelled: how long the rider waited. */
  waitMs: z.number().int().min(0).max(3_600_000).optional(),
  /** Event time, epoch milliseconds (also the record's timestamp). */
  ts: z.number().int().positive(),
});
export type TripEvent = z.infer<typeof TripEvent>;
