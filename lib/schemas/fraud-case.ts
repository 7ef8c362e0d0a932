import { z } from 'zod';
import { fraudRules } from './fraud-alert';

/** One injected fraud case on fraud.ground-truth: what the scorer holds the alerts against. */
export const FraudCase = z.object({
  caseId: z.string().min(1),
  rule: z.enum(fraudRules),
  paymentIds: z.array(z.string().min(1)).min(1),
  /** Event time of the payment that completes the case (the earliest an alert can fire). */
  completedAt: z.number().int().positive(),
});
export type FraudCase = z.infer<typeof FraudCase>;
