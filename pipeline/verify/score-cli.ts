import { parseArgs } from 'node:util';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { toolKafka } from '../stack/stack-config';
import { kafkajsSecurity } from '../../lib/kafka-auth';
import { FraudAlert } from '../../lib/schemas/fraud-alert';
import { FraudCase } from '../../lib/schemas/fraud-case';
import { topics } from '../../lib/topics';
import { formatScore, scoreFraud } from './fraud-score';

const usage = `Usage: npm run score -- [--brokers host:port] [--grace-ms N]

Scores the fraud job: reads every alert on ${topics.fraudAlerts.name} (read_committed) and every
injected case on ${topics.fraudGroundTruth.name}, prints precision, recall and detection latency.
Cases completed in the last --grace-ms (default 10000) are left out: their alerts may not be due.`;

async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  // Transaction markers take offsets too: done once every partition's position reaches its end.
  const remaining = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, Number(p.high)]));
  const messages: KafkaMessage[] = [];
  if (remaining.size === 0) return messages;
  const consumer = kafka.consumer({ groupId: `streamwatch-score-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const quiet = setTimeout(resolve, 15_000);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        messages.push(...batch.messages);
        if (Number(batch.lastOffset()) + 1 >= (remaining.get(batch.partition) ?? 0) - 1) remaining.delete(batch.partition);
        if (remaining.size === 0) {
          clearTimeout(quiet);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { brokers: { type: 'string' }, 'grace-ms': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(usage);
    return;
  }
  const { brokers, security } = toolKafka(values.brokers, process.env);
  const graceMs = Number(values['grace-ms'] ?? 10_000);
  const kafka = new Kafka({ clientId: 'streamwatch-score', brokers, ...kafkajsSecurity(security), logLevel: logLevel.NOTHING });
  const [alertRecords, caseRecords] = await Promise.all([readAll(kafka, topics.fraudAlerts.name), readAll(kafka, topics.fraudGroundTruth.name)]);
  const parse = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, m: KafkaMessage): T | null => {
    try {
      const r = schema.safeParse(JSON.parse(m.value?.toString('utf8') ?? 'null'));
      return r.success ? r.data! : null;
    } catch {
      return null;
    }
  };
  const alerts = alertRecords.map((m) => parse<FraudAlert>(FraudAlert, m)).filter((a): a is FraudAlert => a !== null);
  const cases = caseRecords.map((m) => parse<FraudCase>(FraudCase, m)).filter((c): c is FraudCase => c !== null);
  const unreadable = alertRecords.length - alerts.length + caseRecords.length - cases.length;
  console.log(`${alerts.length} alerts, ${cases.length} injected cases${unreadable ? `, ${unreadable} unreadable records skipped` : ''} (${brokers.join(',')})`);
  console.log(formatScore(scoreFraud(alerts, cases, Date.now() - graceMs)));
}

main().catch((err: unknown) => {
  console.error(`score: ${(err as Error).message}`);
  process.exit(1);
});
