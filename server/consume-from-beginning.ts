import type { Consumer, KafkaMessage } from 'kafkajs';

/**
 * Runs `consumer` over `topicNames` from the first offset, never committing (every gateway
 * rebuilds its views from the topics), handing each record over in order.
 */
export async function consumeFromBeginning(
  consumer: Consumer,
  topicNames: string[],
  handle: (topic: string, partition: number, message: KafkaMessage) => void,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: topicNames, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) handle(batch.topic, batch.partition, m);
    },
  });
}
