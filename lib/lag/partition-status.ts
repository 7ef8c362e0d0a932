import { lagOf, type LagSample } from './lag-sample';

/**
 * Lag status of one partition from a sliding window of samples, after Burrow's rules: no fixed
 * thresholds, only how offsets and lag move. Each rule is a small named function; the first
 * that matches decides.
 */
export type LagStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'REWIND' | 'ERR';

/** Worst first, for rolling partitions up into a group status. */
export const statusSeverity: Record<LagStatus, number> = { ERR: 5, STOP: 4, STALL: 3, REWIND: 2, WARN: 1, OK: 0 };

/**
 * Whether anyone consumes for the group right now: 'yes' with live members (or, for a Flink
 * job's group, the job RUNNING: Flink's Kafka source commits without joining the group);
 * 'no' without members (or with the Flink job known not to run); 'unknown' for a member-less
 * group that may belong to a consumer which never joins, when nothing says whether it runs.
 */
export type Liveness = 'yes' | 'no' | 'unknown';

export interface PartitionContext {
  readonly live: Liveness;
  /**
   * Whether the window holds as many samples as it can. Trends are judged only on a full
   * window: a few seconds of a consumer that commits per checkpoint can look stuck.
   */
  readonly windowFull: boolean;
}

type Rule = (w: readonly LagSample[], ctx: PartitionContext) => LagStatus | null;

/** No committed offset, or one beyond the log end (topic recreated, offsets reset): broken. */
export const invalidOffsets: Rule = (w) => {
  const last = w.at(-1)!;
  return last.committed === null || last.committed > last.end ? 'ERR' : null;
};

/** The committed offset went backwards within the window: someone reset or replayed. */
export const rewound: Rule = (w) => {
  for (let i = 1; i < w.length; i++) {
    const [a, b] = [w[i - 1]!.committed, w[i]!.committed];
    if (a !== null && b !== null && b < a) return 'REWIND';
  }
  return null;
};

/** Caught up at some point in the window: nothing to worry about. */
export const caughtUpInWindow: Rule = (w) => (w.some((s) => lagOf(s) === 0) ? 'OK' : null);

/**
 * Known to have no consumer, behind, its offset unmoved since the last poll while the topic
 * grew: stopped, said within two polls rather than after a full window (a group with no
 * members is not "falling behind", it is stopped).
 */
export const stoppedNow: Rule = (w, ctx) => {
  if (ctx.live !== 'no' || w.length < 2) return null;
  const [prev, last] = [w.at(-2)!, w.at(-1)!];
  return last.committed === prev.committed && last.end > prev.end && lagOf(last)! > 0 ? 'STOP' : null;
};

/** Too few samples to judge a trend yet, and not caught up: give the benefit of the doubt. */
export const tooFewSamples: Rule = (w, ctx) => (w.length < 3 || !ctx.windowFull ? 'OK' : null);

/**
 * Nobody is consuming: the offset has not moved over the window, there is lag, and no consumer
 * is known to be alive. (A missing member alone does not prove it: a consumer that never joins
 * commits without one, so for 'unknown' a moving offset is what shows it alive.)
 */
export const stopped: Rule = (w, ctx) => (ctx.live !== 'yes' && !committedMoved(w) && lagOf(w.at(-1)!)! > 0 ? 'STOP' : null);

/** Members are there but the offset does not move while lag stays or grows: stuck. */
export const stalled: Rule = (w) => (!committedMoved(w) && lagNeverFalls(w) && lagOf(w.at(-1)!)! > 0 ? 'STALL' : null);

function committedMoved(w: readonly LagSample[]): boolean {
  return w.some((s) => s.committed !== w[0]!.committed);
}

/** The consumer moves, but lag never falls over the window: it is falling behind. */
export const fallingBehind: Rule = (w) => (lagNeverFalls(w) && lagOf(w.at(-1)!)! > lagOf(w[0]!)! ? 'WARN' : null);

function lagNeverFalls(w: readonly LagSample[]): boolean {
  for (let i = 1; i < w.length; i++) if (lagOf(w[i]!)! < lagOf(w[i - 1]!)!) return false;
  return true;
}

const rules: readonly Rule[] = [invalidOffsets, rewound, caughtUpInWindow, stoppedNow, tooFewSamples, stopped, stalled, fallingBehind];

export function partitionStatus(window: readonly LagSample[], ctx: PartitionContext): LagStatus {
  if (window.length === 0) return 'OK';
  for (const rule of rules) {
    const status = rule(window, ctx);
    if (status) return status;
  }
  return 'OK';
}

export function worstStatus(statuses: Iterable<LagStatus>): LagStatus {
  let worst: LagStatus = 'OK';
  for (const s of statuses) if (statusSeverity[s] > statusSeverity[worst]) worst = s;
  return worst;
}
