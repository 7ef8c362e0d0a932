import { z } from 'zod';

/**
 * One consumer group's lag over one minute, on lag.history (compacted and time-retained): the
 * trend chart's 24 hours, kept in Kafka so that a restarted gateway, and every other gateway,
 * shows the same history. Keyed by group and minute (lagHistoryKey): gateways that all record
 * the same minute write the same key, and compaction keeps one.
 */
export const LagHistoryPoint = z.object({
  groupId: z.string().min(1).max(255),
  /** Start of the minute (epoch ms, a multiple of 60 000). */
  at: z.number().int().nonnegative(),
  /** The largest total lag seen in the minute. */
  lag: z.number().int().nonnegative(),
  /** The largest time lag seen in the minute (ms), null when none was known. */
  timeLagMs: z.number().int().nonnegative().nullable(),
});
export type LagHistoryPoint = z.infer<typeof LagHistoryPoint>;
