import { Kafka, logLevel, Partitioners, type KafkaMessage, type RecordMetadata } from 'kafkajs';
import { jaasConfig, kafkajsSecurity, PLAINTEXT, type KafkaSecurity } from '../../lib/kafka-auth';

/** A consumed record and the partition it came from. */
export type ReadMessage = KafkaMessage & { readonly partition: number };

/** Small helpers for integration tests that talk to the real broker. */
export function testKafka(brokers: string[], security: KafkaSecurity = PLAINTEXT) {
  const kafka = new Kafka({ clientId: 'streamwatch-test', brokers, ...kafkajsSecurity(security), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  let connected: Promise<void> | null = null;

  return {
    kafka,
    /** Produces one record and returns where it landed. */
    async produce(topic: string, key: string | null, value: Buffer | string | null, timestamp?: number): Promise<{ partition: number; offset: string }> {
      connected ??= producer.connect();
      await connected;
      const [meta] = (await producer.send({
        topic,
        messages: [{ key, value, timestamp: timestamp === undefined ? undefined : String(timestamp) }],
      })) as [RecordMetadata];
      return { partition: meta.partition, offset: meta.baseOffset ?? '-1' };
    },
    /**
     * Reads `topic` from the beginning until `done(all messages so far)` holds, asked once per
     * fetched batch (not per message, which is quadratic on a long topic); fails after
     * `timeoutMs` saying how many messages it saw, or with `returnAtTimeout` returns what it
     * has then, for a test that explains what is missing. Reads committed records only unless
     * `readUncommitted` (which also returns aborted transactions' records).
     */
    async readUntil(topic: string, done: (messages: ReadMessage[]) => boolean, timeoutMs = 90_000, returnAtTimeout = false, readUncommitted = false): Promise<ReadMessage[]> {
      const consumer = kafka.consumer({ groupId: `streamwatch-test-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100, readUncommitted });
      const messages: ReadMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => (returnAtTimeout ? resolve() : reject(new Error(`gave up on ${topic} after ${timeoutMs / 1000} s with ${messages.length} messages`))),
            timeoutMs,
          );
          void consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) messages.push({ ...m, partition: batch.partition });
              if (done(messages)) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      return messages;
    },
    /**
     * Every committed record of `topic` up to its end as it stands when called: reads until each
     * partition's position passes the offsets the broker gave (transaction markers and aborted
     * records count as passed), so nothing is waited for by the clock.
     */
    async readToEnd(topic: string, timeoutMs = 90_000): Promise<ReadMessage[]> {
      const admin = kafka.admin();
      await admin.connect();
      const ends = new Map((await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())).map((p) => [p.partition, Number(p.high)]));
      const reached = new Map<number, number>();
      const done = (): boolean => [...ends].every(([partition, end]) => end === 0 || (reached.get(partition) ?? -1) >= end - 1);
      const consumer = kafka.consumer({ groupId: `streamwatch-test-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100 });
      const messages: ReadMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      try {
        await new Promise<void>((resolve, reject) => {
          if (done()) return resolve();
          const timer = setTimeout(() => reject(new Error(`gave up reading ${topic} to its end after ${timeoutMs / 1000} s with ${messages.length} messages`)), timeoutMs);
          const passed = (partition: number, lastOffset: string): void => {
            reached.set(partition, Math.max(reached.get(partition) ?? -1, Number(lastOffset)));
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          };
          // A fetch of markers only never reaches eachBatch; kafkajs reports it as a batch event.
          consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => passed(payload.partition, payload.lastOffset));
          void consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) messages.push({ ...m, partition: batch.partition });
              passed(batch.partition, batch.lastOffset());
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      return messages;
    },
    /**
     * Resolves once `groupId` has committed every partition of `topics` up to its end: for a
     * Flink job, a checkpoint has completed after it read everything, so every result of that
     * input its exactly-once sinks hold is committed too.
     */
    async groupCaughtUp(groupId: string, topics: string[], timeoutMs = 120_000): Promise<void> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const behind: string[] = [];
          for (const topic of topics) {
            const ends = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
            for (const p of ends) {
              const at = Number(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
              if (at < Number(p.high)) behind.push(`${topic}[${p.partition}] ${at}/${p.high}`);
            }
          }
          if (behind.length === 0) return;
          if (Date.now() > deadline) throw new Error(`${groupId} not caught up after ${timeoutMs / 1000} s: ${behind.join(', ')}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await admin.disconnect();
      }
    },
    async endOffsets(topic: string): Promise<number> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
      } finally {
        await admin.disconnect();
      }
    },
    async close(): Promise<void> {
      await producer.disconnect();
    },
  };
}

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** A Java client's properties for these credentials: Kafka's own CLI tools (--command-config, --consumer.config) as test oracles. */
export function javaClientProperties(security: KafkaSecurity): string {
  const lines = [`security.protocol=${security.protocol}`];
  if (security.sasl) {
    lines.push(`sasl.mechanism=${security.sasl.mechanism}`);
    lines.push(`sasl.jaas.config=${jaasConfig(security.sasl)}`);
  }
  return `${lines.join('\n')}\n`;
}
