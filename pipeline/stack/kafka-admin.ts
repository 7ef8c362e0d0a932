import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkajsSecurity, PLAINTEXT, type KafkaSecurity } from '../../lib/kafka-auth';
import { topicConfigEntries, topics, type TopicSpec } from '../../lib/topics';
import { StackError } from './preflight';
import type { Say } from './supervisor';

export function kafkaClient(brokers: string[], clientId: string, security: KafkaSecurity = PLAINTEXT): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...kafkajsSecurity(security),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2, initialRetryTime: 300 },
  });
}

/**
 * Waits until the cluster answers a metadata request with at least `nodes` brokers registered,
 * up to `timeoutMs`; the error names the brokers and what to check. Topics take their replication
 * from the brokers registered when they are created: a local cluster must wait for all of its
 * nodes, or a node slow to register leaves every topic a replica short (two of two in sync for
 * a write: the next broker death stops writes).
 */
export async function waitForCluster(brokers: string[], timeoutMs: number, hint: string, nodes = 1, security: KafkaSecurity = PLAINTEXT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const admin = kafkaClient(brokers, 'streamwatch-stack-probe', security).admin();
    try {
      await admin.connect();
      const registered = (await admin.describeCluster()).brokers.length;
      if (registered >= nodes) return;
      lastError = `${registered} of ${nodes} brokers registered`;
      await new Promise((r) => setTimeout(r, 500));
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  throw new StackError(`Kafka at ${brokers.join(',')} did not answer within ${timeoutMs / 1000} s (${lastError}).\n  ${hint}`);
}

/**
 * Creates every catalog topic that is missing. Existing topics are left as they are, with a
 * warning when they have fewer partitions than the catalog asks for. On a cluster of three or
 * more brokers a topic gets three replicas and takes a write once two have it (with producers'
 * acks=all), so one broker can die without losing an acknowledged record or stopping writes.
 */
export async function ensureTopics(brokers: string[], say: Say, specs: readonly TopicSpec[] = Object.values(topics), security: KafkaSecurity = PLAINTEXT): Promise<void> {
  // Topics created a moment ago may not be in every metadata answer yet: ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureTopicsOnce(brokers, say, specs, security);
    } catch (err) {
      const unknown = (err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
      if (!unknown || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Replicas per topic for a cluster of `brokers`: three where there are three, writes needing two. */
export function replication(brokers: number): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.max(1, Math.min(3, brokers));
  return { replicationFactor, minInsyncReplicas: Math.min(2, replicationFactor) };
}

async function ensureTopicsOnce(brokers: string[], say: Say, specs: readonly TopicSpec[], security: KafkaSecurity): Promise<void> {
  const admin: Admin = kafkaClient(brokers, 'streamwatch-stack-admin', security).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      const { replicationFactor, minInsyncReplicas } = replication((await admin.describeCluster()).brokers.length);
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor,
          configEntries: Object.entries({ 'min.insync.replicas': String(minInsyncReplicas), ...topicConfigEntries(t) }).map(([name, value]) => ({ name, value })),
        })),
      });
      say(`[topics] created ${missing.map((t) => t.name).join(', ')} (${replicationFactor} replica${replicationFactor === 1 ? '' : 's'}, ${minInsyncReplicas} in sync for a write)`);
    }
    const present = specs.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      for (const t of metadata.topics) {
        const spec = present.find((p) => p.name === t.name)!;
        if (t.partitions.length < spec.partitions) {
          say(`[topics] WARN ${t.name} has ${t.partitions.length} partitions, the catalog asks for ${spec.partitions}`);
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}
