import { z } from 'zod';

export const notificationKinds = ['lag-status', 'flink-job', 'fraud-alert', 'stream-stale'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const notificationSeverities = ['info', 'warning', 'critical'] as const;

/**
 * The last thing said about one subject (a consumer group, a Flink job, a fraud alert, a
 * processed stream), on the compacted notifications topic keyed by subject: what the elected
 * notifier compares the next observation with, and which sinks have been told. Every gateway
 * that becomes the notifier reads it first, so a change is announced once however many
 * gateways run and whichever of them is elected.
 */
export const NotificationRecord = z.object({
  /** "lag:<group>", "flink:<job>", "fraud:<alertId>", "stream:<topic>". */
  subject: z.string().min(1).max(300),
  kind: z.enum(notificationKinds),
  /** The subject's state when this was recorded: a lag status, a job state, the alert's rule, fresh or stale. */
  status: z.string().min(1).max(64),
  severity: z.enum(notificationSeverities),
  title: z.string().min(1).max(200),
  text: z.string().max(1000),
  /** When the change happened (an event: a fraud alert's detection) or was seen (a state), epoch ms. */
  at: z.number().int().positive(),
  /** Unique per announced change; receivers may deduplicate on it. */
  eventId: z.string().min(1).max(400),
  /** False for a baseline (a subject first seen healthy): recorded, not sent. */
  notify: z.boolean(),
  /** The sinks that acknowledged it. */
  deliveredTo: z.array(z.string().min(1).max(64)).max(16),
  /** The sinks that gave up on it after retrying for the delivery deadline. */
  abandonedBy: z.array(z.string().min(1).max(64)).max(16),
});
export type NotificationRecord = z.infer<typeof NotificationRecord>;
