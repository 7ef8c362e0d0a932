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
} as const satisfies Record<string, FlinkJobSpec>;

export type FlinkJobKey = keyof typeof flinkJobs;

/**
 * The ${...} variables a job's SQL may use: `kafka.bootstrap`, `topic.<key>` for every
 * catalog topic and `group.<jobKey>` for every job's consumer group.
 */
export function flinkSqlVariables(
  bootstrap: string,
  topicNames: Record<string, string>,
): Record<string, string> {
  const vars: Record<string, string> = { 'kafka.bootstrap': bootstrap };
  for (const [key, name] of Object.entries(topicNames)) vars[`topic.${key}`] = name;
  for (const [key, job] of Object.entries(flinkJobs)) vars[`group.${key}`] = job.consumerGroup;
  return vars;
}
