import { Kafka, logLevel } from 'kafkajs';
import { toolKafka } from '../pipeline/stack/stack-config';
import { kafkajsSecurity } from '../lib/kafka-auth';

const topic = process.argv[2]!;
const t = toolKafka(undefined, process.env);
const kafka = new Kafka({ clientId: 'peek', brokers: t.brokers, ...kafkajsSecurity(t.security), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets(topic);
console.log(topic, offsets.map((o) => `${o.partition}:${o.low}-${o.high}`).join(' '));
await admin.disconnect();
const consumer = kafka.consumer({ groupId: `peek-${Date.now()}` });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let n = 0;
const total = offsets.reduce((a, o) => a + Number(o.high) - Number(o.low), 0);
await new Promise<void>((resolve) => {
  void consumer.run({ eachMessage: async ({ message }) => { n++; if (n > total - 6) console.log(message.value?.toString().slice(0, 400)); if (n >= total) resolve(); } });
  if (total === 0) resolve();
});
await consumer.disconnect();
