import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkajsSecurity, PLAINTEXT } from '../../lib/kafka-auth';
import { adminSecurity, KAFKA_CREDENTIALS_FILE, readStackKafkaCredentials } from '../../pipeline/stack/kafka-credentials';

/** The journeys' stack home (playwright.config.ts). */
export const E2E_HOME = join('.streamwatch', 'e2e');

/** A client of the journeys' stack, signed in as its superuser (whose credentials the stack keeps in its home). */
export function e2eKafka(clientId: string): Kafka {
  const credentials = readStackKafkaCredentials(join(E2E_HOME, KAFKA_CREDENTIALS_FILE));
  return new Kafka({
    clientId,
    brokers: [`127.0.0.1:${process.env.E2E_KAFKA_PORT ?? '29092'}`],
    ...kafkajsSecurity(credentials ? adminSecurity(credentials) : PLAINTEXT),
    logLevel: logLevel.NOTHING,
  });
}
