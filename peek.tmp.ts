import { Kafka, logLevel } from 'kafkajs';
const [topic, n] = [process.argv[2]!, Number(process.argv[3] ?? 5)];
const kafka = new Kafka({ brokers: [process.env.B ?? '127.0.0.1:19092'], logLevel: logLevel.NOTHING });
const c = kafka.consumer({ groupId: 'peek-' + Date.now() });
await c.connect(); await c.subscribe({ topic, fromBeginning: true });
let seen = 0;
await c.run({ eachMessage: async ({ message, partition }) => { seen++; if (seen <= n) console.log(partition, message.offset, message.key?.toString(), message.value?.toString().slice(0, 300), JSON.stringify(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()])))); } });
await new Promise((r) => setTimeout(r, 4000)); console.log('total', seen); await c.disconnect(); process.exit(0);
