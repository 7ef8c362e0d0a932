/**
 * Timing for the gateway's consumer groups, each of which has exactly one member (a group per
 * consumer: the gateway commits nothing, the group only assigns partitions).
 *
 * When a group's coordinator dies, the consumer rejoins the moved group as a new member, and the
 * new coordinator holds the join open for the old identity until the rebalance timeout (kafkajs's
 * default is 60 s) or the old session ends: measured 8.7-10.6 s of a stream not live after a
 * broker was killed. The old identity is this same process and cannot come back, so the join is
 * not held for it longer than a few seconds.
 */
export const SOLE_MEMBER_GROUP_TIMING = { sessionTimeout: 15_000, rebalanceTimeout: 3_000, heartbeatInterval: 1_000 } as const;
