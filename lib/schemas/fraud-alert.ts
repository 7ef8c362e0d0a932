import { z } from 'zod';

export const fraudRules = ['card-testing', 'velocity', 'impossible-travel', 'amount-anomaly'] as const;

/**
 * An alert on fraud.alerts, as the fraud job writes it (issue #4). Card data arrives masked:
 * BIN (first 6) and last 4 only, plus a keyed-hash card token.
 */
export const FraudAlert = z.object({
  alertId: z.string().min(1).max(128),
  rule: z.enum(fraudRules),
  score: z.number().min(0).max(1),
  cardToken: z.string().min(8).max(128),
  bin: z.string().regex(/^\d{6}$/),
  last4: z.string().regex(/^\d{4}$/),
  paymentIds: z.array(z.string().min(1)).min(1).max(100),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  /** Event time of the last payment in the evidence (epoch ms). */
  eventTime: z.number().int().positive(),
  detectedAt: z.number().int().positive(),
});
export type FraudAlert = z.infer<typeof FraudAlert>;
