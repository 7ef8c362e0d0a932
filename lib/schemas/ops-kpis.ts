import { z } from 'zod';

/** One minute of operations on ops.kpis (event time), as the kpis job writes it. */
export const OpsKpis = z.object({
  windowStart: z.number().int(),
  windowEnd: z.number().int(),
  requests: z.number().int().min(0),
  activeDrivers: z.number().int().min(0),
  driversOnTrip: z.number().int().min(0),
  /** v2: the active drivers split by the busiest status each reported in the minute (on a trip > en route > idle). Absent in v1 minutes. */
  driversEnRoute: z.number().int().min(0).optional(),
  driversIdle: z.number().int().min(0).optional(),
  payments: z.number().int().min(0),
  paymentVolume: z.number().min(0),
  alerts: z.number().int().min(0),
});
export type OpsKpis = z.infer<typeof OpsKpis>;
