/** One poll of one partition: where the group's committed offset and the log end stood. */
export interface LagSample {
  /** Poll time (epoch ms). */
  readonly at: number;
  /** The group's committed offset, or null when it has none for this partition. */
  readonly committed: number | null;
  /** Log end offset (for transactional topics, the last stable offset). */
  readonly end: number;
}

export const lagOf = (s: LagSample): number | null => (s.committed === null ? null : Math.max(0, s.end - s.committed));
