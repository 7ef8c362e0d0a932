import { Kafka, logLevel, Partitioners, type KafkaMessage, type RecordMetadata } from 'kafkajs';

/** A consumed record and the partition it came from. */
export type ReadMessage = KafkaMessage & { readonly partition: number };

/** Small helpers for integration tests that talk to the real broker. */
export function testKafka(brokers: string[]) {
  const kafka = new Kafka({ clientId: 'streamwatch-test', brokers, logLevel: logLevel.NOTHING });
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
