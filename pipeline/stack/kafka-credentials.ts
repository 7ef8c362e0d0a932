import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ADMIN_PRINCIPAL, CONTROLLER_PRINCIPAL, jobCredentialVariables, principalOf, services, type Service } from '../../lib/kafka-access';
import type { KafkaSecurity } from '../../lib/kafka-auth';
import type { BrokerAuth } from './kafka-broker';
import { flinkJobs, type FlinkJobKey } from '../../lib/pipeline-jobs';

/**
 * The local stack's Kafka passwords: one per service principal, the admin's and the brokers'
 * controller-listener password. Made on the stack's first start and kept (mode 600) in its
 * home, never printed or logged; each process gets only its own, through its environment.
 */
export interface StackKafkaCredentials {
  readonly admin: string;
  readonly controller: string;
  readonly services: Readonly<Record<Service, string>>;
}

const Stored = z.object({ admin: z.string().min(16), controller: z.string().min(16), services: z.record(z.string(), z.string().min(16)) });

const password = (): string => randomBytes(24).toString('base64url');

/** Where a stack keeps them. */
export const KAFKA_CREDENTIALS_FILE = 'kafka-credentials.json';

/** The kept credentials, or null when the stack has made none (yet). */
export function readStackKafkaCredentials(file: string): StackKafkaCredentials | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return Stored.parse(JSON.parse(text)) as StackKafkaCredentials;
}

/** The kept credentials, with any service added since they were made; `made` when the file was new. */
export async function stackKafkaCredentials(file: string): Promise<{ credentials: StackKafkaCredentials; made: boolean }> {
  let stored: z.infer<typeof Stored> | null = null;
  try {
    stored = Stored.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is not a Streamwatch Kafka credentials file: ${(err as Error).message}`, { cause: err });
  }
  const made = stored === null;
  const kept = stored ?? { admin: password(), controller: password(), services: {} };
  const all = Object.fromEntries(services.map((s) => [s, kept.services[s] ?? password()])) as Record<Service, string>;
  const credentials: StackKafkaCredentials = { admin: kept.admin, controller: kept.controller, services: all };
  if (made || services.some((s) => kept.services[s] === undefined)) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return { credentials, made };
}

const scram = (username: string, pw: string): KafkaSecurity => ({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username, password: pw } });

/** How the stack itself, its tools and tests connect: the superuser. */
export function adminSecurity(c: StackKafkaCredentials): KafkaSecurity {
  return scram(ADMIN_PRINCIPAL, c.admin);
}

export function serviceSecurity(c: StackKafkaCredentials, service: Service): KafkaSecurity {
  return scram(principalOf(service), c.services[service]);
}

/** Every SCRAM user to create, by name: the admin and each service. */
export function scramUsers(c: StackKafkaCredentials): { name: string; password: string }[] {
  return [{ name: ADMIN_PRINCIPAL, password: c.admin }, ...services.map((s) => ({ name: principalOf(s), password: c.services[s] }))];
}

/** What every node of the local cluster is started with: its own logins and the SCRAM users to create. */
export function brokerAuth(c: StackKafkaCredentials): BrokerAuth {
  return { admin: { name: ADMIN_PRINCIPAL, password: c.admin }, controller: { name: CONTROLLER_PRINCIPAL, password: c.controller }, users: scramUsers(c) };
}

/**
 * The Flink JVM's environment: each job's own principal under its suffixed names
 * (KafkaSecurity.java), so that a JVM running every job still gives each its own.
 */
export function flinkJobsSecurityEnv(c: StackKafkaCredentials, jobs: readonly FlinkJobKey[] = Object.keys(flinkJobs) as FlinkJobKey[]): Record<string, string> {
  const env: Record<string, string> = { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' };
  for (const job of jobs) {
    const vars = jobCredentialVariables(job);
    env[vars.username] = principalOf(job);
    env[vars.password] = c.services[job];
  }
  return env;
}
