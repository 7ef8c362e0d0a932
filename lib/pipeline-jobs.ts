import { isUsableTokenKey } from './card';
import { sqlRecordReason } from './schemas/record-checks';
import { jsonSchemaOf } from './schemas/registry';
import { defaultSurgeSettings, type SurgeSettings } from './surge';
import type { TopicKey } from './topics';

/**
 * The Flink jobs: which SQL file, which consumer group, which topics in and out. The stack
 * submits them; lineage is drawn from inputs and outputs.
 */
export interface FlinkJobSpec {
  readonly sqlFile: string;
  readonly consumerGroup: string;
  readonly inputs: readonly TopicKey[];
  readonly outputs: readonly TopicKey[];
}

export const flinkJobs = {
  driversPositions: {
    sqlFile: 'drivers-positions.sql',
    consumerGroup: 'streamwatch-flink-drivers-positions',
    inputs: ['driverLocationsRaw'],
    outputs: ['driversPositions', 'driverLocationsDlq'],
  },
  surge: {
    sqlFile: 'surge.sql',
    consumerGroup: 'streamwatch-flink-surge',
    inputs: ['driverLocationsRaw', 'rideRequestsRaw'],
    outputs: ['surgeCells', 'rideRequestsDlq', 'lateEvents'],
  },
  fraud: {
    sqlFile: 'fraud.sql',
    consumerGroup: 'streamwatch-flink-fraud',
    inputs: ['paymentsRaw'],
    outputs: ['fraudAlerts', 'paymentsDlq'],
  },
  kpis: {
    sqlFile: 'kpis.sql',
    consumerGroup: 'streamwatch-flink-kpis',
    inputs: ['driverLocationsRaw', 'rideRequestsRaw', 'paymentsRaw', 'fraudAlerts'],
    outputs: ['opsKpis'],
  },
} as const satisfies Record<string, FlinkJobSpec>;

export type FlinkJobKey = keyof typeof flinkJobs;

/** What the analytics jobs are tuned by; the oracle tests recompute with the same values. */
export interface FraudSettings {
  /** Bounded out-of-orderness of payments; every rule waits this long before firing. */
  readonly latenessMs: number;
  /** Key of the card token (HMAC); a secret in production (CARD_TOKEN_KEY). */
  readonly cardTokenKey: string;
}

/** The local stack's key: fine for simulated cards, never for real ones. */
export const DEV_CARD_TOKEN_KEY = 'streamwatch-dev-card-token-key';

export interface PipelineSettings {
  readonly surge: SurgeSettings;
  readonly fraud: FraudSettings;
  /** A raw record dated further than this ahead of the clock is dead-lettered: it would hold event time hostage. */
  readonly maxFutureMs: number;
}

export const defaultPipelineSettings: PipelineSettings = {
  surge: defaultSurgeSettings,
  fraud: { latenessMs: 1000, cardTokenKey: DEV_CARD_TOKEN_KEY },
  maxFutureMs: 5 * 60_000,
};

/** The raw record schemas the jobs validate, each with its `check.<name>` SQL variable. */
export const checkedSchemas = ['DriverLocation', 'RideRequest', 'Payment'] as const;

/** Every raw schema's event time is its body's `ts`. */
export const eventTimeField = 'ts';

/**
 * The ${...} variables a job's SQL may use: `kafka.bootstrap`, `topic.<key>` for every
 * catalog topic, `group.<jobKey>` for every job's consumer group (also the prefix of its
 * Kafka transactional ids), the `surge.*` and `fraud.*` settings, and `check.<Schema>` for
 * each raw schema: the SQL giving a record's dead-letter reason (NULL when valid), built from
 * lib/schemas so that no job restates a check.
 */
export function flinkSqlVariables(
  bootstrap: string,
  topicNames: Record<string, string>,
  settings: PipelineSettings = defaultPipelineSettings,
  groups: Record<string, string> = Object.fromEntries(Object.entries(flinkJobs).map(([k, j]) => [k, j.consumerGroup])),
): Record<string, string> {
  const vars: Record<string, string> = { 'kafka.bootstrap': bootstrap };
  for (const [key, name] of Object.entries(topicNames)) vars[`topic.${key}`] = name;
  for (const [key, group] of Object.entries(groups)) vars[`group.${key}`] = group;
  const { surge } = settings;
  vars['surge.h3Resolution'] = String(surge.h3Resolution);
  vars['surge.windowSeconds'] = wholeSeconds(surge.windowMs, 'surge window');
  vars['surge.slideSeconds'] = wholeSeconds(surge.slideMs, 'surge slide');
  vars['surge.latenessSeconds'] = wholeSeconds(surge.latenessMs, 'allowed lateness');
  vars['fraud.latenessSeconds'] = wholeSeconds(settings.fraud.latenessMs, 'payment lateness');
  if (!isUsableTokenKey(settings.fraud.cardTokenKey)) throw new Error('the card token key must be 16-128 characters of A-Z a-z 0-9 _ -');
  vars['fraud.tokenKey'] = settings.fraud.cardTokenKey;
  vars['time.field'] = eventTimeField;
  vars['time.maxFutureMs'] = String(settings.maxFutureMs);
  for (const name of checkedSchemas) {
    vars[`check.${name}`] = sqlRecordReason(jsonSchemaOf(name), 'payload', { field: eventTimeField, maxFutureMs: settings.maxFutureMs });
  }
  return vars;
}

function wholeSeconds(ms: number, what: string): string {
  if (!Number.isInteger(ms / 1000) || ms <= 0) throw new Error(`${what} must be a positive whole number of seconds, got ${ms} ms`);
  return String(ms / 1000);
}
