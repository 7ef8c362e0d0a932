import { z } from 'zod';

export const resolutions = ['fraud', 'legitimate', 'duplicate'] as const;

const common = {
  /** Chosen by the client, so that a retried action is applied once. */
  actionId: z.string().uuid(),
  alertId: z.string().min(1).max(128),
};

/** What a client may ask for; the gateway adds who and when before writing it to alert-actions. */
export const AlertActionRequest = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('acknowledge') }),
  z.object({ ...common, type: z.literal('assign'), assignee: z.string().trim().min(1).max(64) }),
  z.object({ ...common, type: z.literal('resolve'), resolution: z.enum(resolutions), note: z.string().max(2000).optional() }),
  z.object({ ...common, type: z.literal('comment'), text: z.string().trim().min(1).max(2000) }),
]);
export type AlertActionRequest = z.infer<typeof AlertActionRequest>;

/** A record on alert-actions (keyed by alert id, so one alert's actions keep their order). */
export const AlertAction = z.intersection(AlertActionRequest, z.object({ by: z.string().min(1).max(64), at: z.number().int().positive() }));
export type AlertAction = z.infer<typeof AlertAction>;
