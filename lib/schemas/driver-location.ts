import { z } from 'zod';

export const driverStatuses = ['idle', 'en_route', 'on_trip', 'offline'] as const;
export const DriverStatus = z.enum(driverStatuses);
export type DriverStatus = z.infer<typeof DriverStatus>;

/**
 * A driver's GPS ping on the raw topic. The Flink job drivers-positions.sql applies the
 * same checks in SQL; keep the two in step.
 */
export const DriverLocation = z.object({
  driverId: z.string().min(1).max(64),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  status: DriverStatus,
  headingDeg: z.number().min(0).lt(360).optional(),
  speedKmh: z.number().min(0).max(250).optional(),
  /** Event time, epoch milliseconds. */
  ts: z.number().int().positive(),
});
export type DriverLocation = z.infer<typeof DriverLocation>;

/** The validated latest position per driver on drivers.positions (Flink writes nulls as null). */
export const DriverPosition = DriverLocation.extend({
  headingDeg: z.number().min(0).lt(360).nullable().optional(),
  speedKmh: z.number().min(0).max(250).nullable().optional(),
});
export type DriverPosition = z.infer<typeof DriverPosition>;
