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
} as const satisfies Record<string, FlinkJobSpec>;

export type FlinkJobKey = keyof typeof flinkJobs;

/** What the analytics jobs are tuned by; the oracle tests recompute with the same values. */
export interface PipelineSettings {
  readonly surge: SurgeSettings;
}

export const defaultPipelineSettings: PipelineSettings = { surge: defaultSurgeSettings };

/**
 * The ${...} variables a job's SQL may use: `kafka.bootstrap`, `topic.<key>` for every
 * catalog topic, `group.<jobKey>` for every job's consumer group (also the prefix of its
 * Kafka transactional ids) and the `surge.*` settings.
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
  return vars;
}

function wholeSeconds(ms: number, what: string): string {
  if (!Number.isInteger(ms / 1000) || ms <= 0) throw new Error(`${what} must be a positive whole number of seconds, got ${ms} ms`);
  return String(ms / 1000);
}
