import type { Forecast, LagTrend } from './catch-up-forecast';
import type { LagStatus } from './partition-status';

/** What the lag monitor publishes each poll: every consumer group that has committed offsets. */
export interface LagReport {
  /** Poll time (epoch ms). */
  readonly at: number;
  readonly groups: GroupLag[];
}

export interface GroupLag {
  readonly groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, ... */
  readonly state: string;
  readonly members: number;
  readonly status: LagStatus;
  readonly totalLag: number;
  /** Largest time lag over the group's partitions (ms), null when none could be read. */
  readonly maxTimeLagMs: number | null;
  readonly partitions: PartitionLag[];
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committed: number | null;
  readonly end: number;
  readonly lag: number | null;
  /**
   * How old the next record the group will read is: poll time minus the timestamp of the
   * record at the committed offset (0 when caught up, null when it could not be read).
   */
  readonly timeLagMs: number | null;
  readonly status: LagStatus;
  readonly trend: LagTrend | null;
  readonly forecast: Forecast;
}
