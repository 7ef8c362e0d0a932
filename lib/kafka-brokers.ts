/**
 * Parses a bootstrap list such as "127.0.0.1:9092,kafka-2:9092". Throws with the offending
 * entry so that a typo in KAFKA_BROKERS is reported before anything connects.
 */
export function parseBrokerList(value: string): string[] {
  const brokers = value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('the broker list is empty: expected host:port[,host:port...]');
  for (const broker of brokers) {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(broker);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      throw new Error(`"${broker}" is not host:port (expected e.g. 127.0.0.1:9092)`);
    }
  }
  return brokers;
}

/**
 * How our kafkajs clients retry: from 100 ms, never more than a second apart. A dead broker's
 * partitions get new leaders once the cluster fences it (broker.session.timeout.ms); kafkajs
 * asks for new metadata on each retry after a connection error, so a producer finds them within
 * a second of the election rather than on a backoff grown to many seconds. Ten tries span about
 * 8.5 s, longer than fencing takes, before a send is given up.
 */
export const kafkaClientRetry = { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 } as const;

/**
 * Timing for a consumer group that has exactly one member (the gateway's groups, one per
 * consumer: it commits nothing, the group only assigns partitions; a test's watcher).
 *
 * When a group's coordinator dies, the consumer rejoins the moved group as a new member, and the
 * new coordinator holds the join open for the old identity until the rebalance timeout (kafkajs's
 * default is 60 s) or the old session ends: measured 8.7-18 s of a stream not live after a broker
 * was killed. The old identity is this same consumer and cannot come back, so the join is not
 * held for it longer than a few seconds.
 */
export const SOLE_MEMBER_GROUP_TIMING = { sessionTimeout: 15_000, rebalanceTimeout: 3_000, heartbeatInterval: 1_000 } as const;
