import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type KafkaConfig } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { ADMIN_PRINCIPAL, principalOf, readersOf } from '../../lib/kafka-access';
import { kafkajsSecurity, PLAINTEXT, type KafkaSecurity } from '../../lib/kafka-auth';
import { topics } from '../../lib/topics';
import { KAFKA_CREDENTIALS_FILE, readStackKafkaCredentials, serviceSecurity } from './kafka-credentials';
import { kafkaTool } from './kafka-tool';

/**
 * The local stack's Kafka as an attacker and as each service meet it: no way in without a
 * principal, and each principal held to the catalog's ACLs (lib/kafka-access.ts). Kafka's own
 * AclCommand is the oracle for what the brokers enforce.
 */
const brokers = inject('brokers').split(',');
const kafkaAuth = inject('kafkaAuth');
const credentials = readStackKafkaCredentials(join(inject('stackHome'), KAFKA_CREDENTIALS_FILE))!;
const run = Date.now().toString(36);
const clients: Kafka[] = [];

function client(security: KafkaSecurity, extra: Partial<KafkaConfig> = {}): Kafka {
  const kafka = new Kafka({ clientId: `acl-it-${run}`, brokers, ...kafkajsSecurity(security), logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 }, connectionTimeout: 3000, ...extra });
  clients.push(kafka);
  return kafka;
}

/** Whether a principal gets records of a topic: a consumer that reads, or the error it crashed with. */
async function tryRead(security: KafkaSecurity, topic: string, groupId: string): Promise<string> {
  // Retries wait out a coordinator still loading; a refusal is not retried.
  const consumer = client(security).consumer({ groupId, retry: { retries: 5, initialRetryTime: 200, restartOnFailure: async () => false } });
  await consumer.connect();
  try {
    // A principal that may not even describe the topic is refused here, asking for its metadata.
    const refused = await consumer.subscribe({ topic, fromBeginning: true }).then(() => null, (err: Error) => refusal(err));
    if (refused) return refused;
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('no answer in 30 s'), 30_000);
      consumer.on(consumer.events.CRASH, (e) => (clearTimeout(timer), resolve(refusal(e.payload.error))));
      // A fetch that comes back (records or none) was allowed.
      consumer.on(consumer.events.FETCH, () => (clearTimeout(timer), resolve('read')));
      void consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** The broker's error code behind a kafkajs error (wrapped as the cause of a give-up), else its message. */
function refusal(err: Error): string {
  for (let e: (Error & { type?: string; cause?: unknown }) | undefined = err; e; e = e.cause as typeof e) if (e.type) return e.type;
  return err.message;
}

async function tryWrite(security: KafkaSecurity, topic: string): Promise<string> {
  const producer = client(security).producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'acl-test', value: null }] });
    return 'written';
  } catch (err) {
    return refusal(err as Error);
  } finally {
    await producer.disconnect();
  }
}

describe("the local stack's Kafka", () => {
  it('refuses a client without credentials, and one with a wrong password', async () => {
    const anonymous = client(PLAINTEXT).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect();
    const wrong = client({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username: principalOf('gateway'), password: 'not-the-password-at-all' } }).admin();
    await expect(wrong.connect()).rejects.toThrow(/authentication failed/i);
  });

  it("denies the gateway's principal raw.payments and dlq.payments, and writing a processed topic", async () => {
    const gateway = kafkaAuth.gateway;
    expect(gateway.sasl?.username).toBe(principalOf('gateway'));
    const group = `streamwatch-gateway-acl-it-${run}`;
    expect(await tryRead(gateway, topics.paymentsRaw.name, `${group}-raw`)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await tryRead(gateway, topics.paymentsDlq.name, `${group}-dlq`)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await tryRead(gateway, topics.fraudAlerts.name, `${group}-alerts`)).toBe('read');
    // Only under its own groups' prefix.
    expect(await tryRead(gateway, topics.fraudAlerts.name, `someone-elses-group-${run}`)).toBe('GROUP_AUTHORIZATION_FAILED');
    expect(await tryWrite(gateway, topics.driversPositions.name)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await tryWrite(gateway, topics.fraudAlerts.name)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('lets the simulator write raw topics but read none, and a Flink job read only its inputs', async () => {
    const simulator = serviceSecurity(credentials, 'simulator');
    // Refused at the group (kafkajs words it "Failed to find group coordinator") before the topic is asked for.
    expect(await tryRead(simulator, topics.paymentsRaw.name, `streamwatch-simulator-${run}`)).toMatch(/GROUP_AUTHORIZATION_FAILED|Failed to find group coordinator/);
    expect(await tryWrite(simulator, topics.fraudAlerts.name)).toBe('TOPIC_AUTHORIZATION_FAILED');
    const drivers = serviceSecurity(credentials, 'driversPositions');
    const group = `${principalOf('driversPositions')}-acl-it-${run}`;
    expect(await tryRead(drivers, topics.paymentsRaw.name, group)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await tryRead(drivers, topics.driverLocationsRaw.name, `${group}-own`)).toBe('read');
  });

  it("enforces the catalog's ACLs, as Kafka's AclCommand lists them: raw.payments read by the fraud and KPI jobs only", async () => {
    expect(kafkaAuth.admin.sasl?.username).toBe(ADMIN_PRINCIPAL);
    const listing = await kafkaTool('org.apache.kafka.tools.AclCommand', ['--bootstrap-server', brokers[0]!, '--list', '--topic', topics.paymentsRaw.name], kafkaAuth.admin);
    const readers = [...listing.matchAll(/principal=User:([^,]+), host=\*, operation=READ, permissionType=ALLOW/g)].map((m) => m[1]).sort();
    console.log(`[acls] AclCommand --list --topic ${topics.paymentsRaw.name}: readers ${readers.join(', ')}`);
    expect(readers).toEqual(readersOf('paymentsRaw').map(principalOf).sort());
    expect(readers).toEqual([principalOf('fraud'), principalOf('kpis')].sort());
  });
});
