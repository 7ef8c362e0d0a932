import { flinkJobs, type FlinkJobKey } from './pipeline-jobs';
import { topics, type TopicKey } from './topics';

/**
 * Who may do what on the cluster: a principal per service, and the ACLs that follow from the
 * catalog (each Flink job reads its inputs and writes its outputs; lib/pipeline-jobs.ts) and
 * from what the simulator and the gateway are for. The local stack applies exactly these
 * (pipeline/stack/kafka-acls.ts); an operator running their own cluster can read them off
 * `npm run kafka-acls` (docs/security.md).
 */

/** The services of a Streamwatch cluster: each has its own principal. */
export type Service = 'simulator' | 'gateway' | FlinkJobKey;

/** Superuser of the local stack: creates topics and ACLs, and is what tools and tests use. */
export const ADMIN_PRINCIPAL = 'streamwatch-admin';
/** The brokers' identity on the controller listener (PLAIN: SCRAM credentials live in the metadata the controllers serve). */
export const CONTROLLER_PRINCIPAL = 'streamwatch-controller';

/** A Flink job's principal is named as its consumer group, which is also its transactional ids' prefix. */
export function principalOf(service: Service): string {
  if (service === 'simulator') return 'streamwatch-simulator';
  if (service === 'gateway') return 'streamwatch-gateway';
  return flinkJobs[service].consumerGroup;
}

export const services: readonly Service[] = ['simulator', 'gateway', ...(Object.keys(flinkJobs) as FlinkJobKey[])];

/**
 * The suffix of a job's own credential variables (KAFKA_SASL_USERNAME_<suffix>): its SQL file's
 * name in capitals, as KafkaSecurity.java derives it from the file it runs.
 */
export function jobCredentialSuffix(job: FlinkJobKey): string {
  return flinkJobs[job].sqlFile.replace(/\.sql$/, '').toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The environment variables that carry a job's own credentials. */
export function jobCredentialVariables(job: FlinkJobKey): { readonly username: string; readonly password: string } {
  const suffix = jobCredentialSuffix(job);
  return { username: `KAFKA_SASL_USERNAME_${suffix}`, password: `KAFKA_SASL_PASSWORD_${suffix}` };
}

/** What the simulator writes: the raw topics and the fraud it injected. */
export const simulatorWrites: readonly TopicKey[] = ['driverLocationsRaw', 'rideRequestsRaw', 'tripEventsRaw', 'paymentsRaw', 'fraudGroundTruth'];

/** What the gateway writes: triage actions, the audit trail and governance.* (grants, users, sign-outs). */
export const gatewayWrites: readonly TopicKey[] = ['alertActions', 'auditEvents', 'accessGrants', 'userAccounts', 'sessionEvents', 'notifySinks', 'lagHistory', 'notifications'];

/**
 * What the gateway reads: processed topics, quarantine without card data, and what it writes.
 * Not the raw topics, not dlq.payments (PCI scope: it reads that topic's payload-free notices),
 * not fraud.ground-truth (for `npm run score`). Everything else it sees only by offsets.
 */
export const gatewayReads: readonly TopicKey[] = [
  'driversPositions',
  'surgeCells',
  'opsKpis',
  'marketplaceKpis',
  'fraudAlerts',
  'driverLocationsDlq',
  'rideRequestsDlq',
  'tripEventsDlq',
  'paymentsDlqNotices',
  'lateEvents',
  ...gatewayWrites,
];

/** The gateway's consumer groups all begin with this (server/gateway.ts). */
export const GATEWAY_GROUP_PREFIX = 'streamwatch-gateway-';

export type AclResource = 'topic' | 'group' | 'transactional-id';
export type AclOperation = 'read' | 'write' | 'describe';

/** One ALLOW binding. Read and write imply describe (Kafka's rule). */
export interface AclRule {
  readonly principal: string;
  readonly resource: AclResource;
  /** '*' with 'literal': every resource of the type. */
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: AclOperation;
}

const topicRule = (principal: string, key: TopicKey, operation: AclOperation): AclRule => ({ principal, resource: 'topic', name: topics[key].name, pattern: 'literal', operation });

/** Every ACL of the cluster; nothing else is allowed to anyone but the superusers. */
export function aclRules(): AclRule[] {
  const rules: AclRule[] = [];
  const simulator = principalOf('simulator');
  for (const t of simulatorWrites) rules.push(topicRule(simulator, t, 'write'));
  for (const job of Object.keys(flinkJobs) as FlinkJobKey[]) {
    const principal = principalOf(job);
    for (const t of flinkJobs[job].inputs) rules.push(topicRule(principal, t, 'read'));
    for (const t of flinkJobs[job].outputs) {
      rules.push(topicRule(principal, t, 'write'));
      // An exactly-once sink looks for its own lingering transactions on restart
      // (DescribeProducers), which Kafka allows only to a topic's readers.
      rules.push(topicRule(principal, t, 'read'));
    }
    // Offsets committed on checkpoints; transactions for exactly-once sinks, named after the group.
    rules.push({ principal, resource: 'group', name: flinkJobs[job].consumerGroup, pattern: 'prefixed', operation: 'read' });
    rules.push({ principal, resource: 'transactional-id', name: flinkJobs[job].consumerGroup, pattern: 'prefixed', operation: 'write' });
  }
  const gateway = principalOf('gateway');
  for (const t of gatewayReads) rules.push(topicRule(gateway, t, 'read'));
  for (const t of gatewayWrites) rules.push(topicRule(gateway, t, 'write'));
  rules.push({ principal: gateway, resource: 'group', name: GATEWAY_GROUP_PREFIX, pattern: 'prefixed', operation: 'read' });
  // Consumer lag and the pipeline page: every topic's offsets and every group's commits, never their records.
  rules.push({ principal: gateway, resource: 'topic', name: '*', pattern: 'literal', operation: 'describe' });
  rules.push({ principal: gateway, resource: 'group', name: '*', pattern: 'literal', operation: 'describe' });
  return rules;
}

/** Whether a service may read a topic's records under aclRules(). */
export function mayRead(service: Service, topic: TopicKey): boolean {
  const principal = principalOf(service);
  return aclRules().some((r) => r.principal === principal && r.resource === 'topic' && r.operation === 'read' && r.name === topics[topic].name);
}

/** Services that may read a topic's records (superusers aside). */
export function readersOf(topic: TopicKey): Service[] {
  return services.filter((s) => mayRead(s, topic));
}
