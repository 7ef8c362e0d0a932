import { z } from 'zod';

export const paymentKinds = ['trip', 'marketplace'] as const;

/**
 * A card payment on raw.payments, as the payment service emits it: the full card number is
 * here and nowhere downstream (the fraud job keeps BIN + last 4 and a keyed token).
 */
export const Payment = z.object({
  paymentId: z.string().min(1).max(64),
  cardNumber: z.string().regex(/^\d{12,19}$/),
  cardCountry: z.string().regex(/^[A-Z]{2}$/),
  merchant: z.string().min(1).max(128),
  kind: z.enum(paymentKinds),
  amount: z.number().positive().max(10_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
  deviceId: z.string().min(1).max(64),
  /** Where the payment's IP address places it. */
  ipLat: z.number().min(-90).max(90),
  ipLon: z.number().min(-180).max(180),
  riderId: z.string().min(1).max(64),
  /** Event time, epoch milliseconds (also the record's timestamp). */
  ts: z.number().int().positive(),
});
export type Payment = z.infer<typeof Payment>;
