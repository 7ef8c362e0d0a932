import { flinkJobs } from '../pipeline-jobs';
import type { PipelineStatus } from '../pipeline-status';
import type { Liveness } from './partition-status';

const jobByGroup = new Map<string, string>(Object.values(flinkJobs).map((j) => [j.consumerGroup, j.sqlFile.replace(/\.sql$/, '')]));

/**
 * Whether the Flink job behind a consumer group consumes, from Flink's REST API: the Kafka
 * source commits offsets without joining the group, so its member count says nothing. Null
 * for a group that is not one of the catalog's Flink jobs (its members decide).
 */
export function flinkGroupLiveness(groupId: string, status: PipelineStatus | null): Liveness | null {
  const job = jobByGroup.get(groupId);
  if (job === undefined) return null;
  if (!status?.reachable) return 'unknown';
  const state = status.jobs.find((j) => j.name === job)?.state;
  return state === 'RUNNING' ? 'yes' : 'no';
}
