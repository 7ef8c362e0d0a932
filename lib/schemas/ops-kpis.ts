import { z } from 'zod';

/** One minute of operations on ops.kpis (event time), as the kpis job writes it. */
export const OpsKpis = z.object({
  windowStart: z.number().int(),
  windowEnd: z.number().int(),
  requests: z.number().int().min(0),
  activeDrivers: z.number().int().min(0),
  driversOnTrip: z.number().int().min(0),
  payments: z.number().int().min(0),
  paymentVolume: z.number().min(0),
  alerts: z.number().int().min(0),
});
export type OpsKpis = z.infer<typeof OpsKpis>;
