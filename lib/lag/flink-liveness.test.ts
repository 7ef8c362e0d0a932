import { describe, expect, it } from 'vitest';
import { flinkJobs } from '../pipeline-jobs';
import type { FlinkJobStatus, PipelineStatus } from '../pipeline-status';
import { flinkGroupLiveness } from './flink-liveness';

const job = (name: string, state: string) => ({ name, state }) as FlinkJobStatus;
const status = (reachable: boolean, jobs: FlinkJobStatus[]): PipelineStatus => ({ at: 1, reachable, error: null, jobs });
const kpis = flinkJobs.kpis.consumerGroup;

describe('flinkGroupLiveness', () => {
  it('judges a Flink job group by its job state, not by members', () => {
    expect(flinkGroupLiveness(kpis, status(true, [job('kpis', 'RUNNING')]))).toBe('yes');
    expect(flinkGroupLiveness(kpis, status(true, [job('kpis', 'RESTARTING')]))).toBe('no');
    expect(flinkGroupLiveness(kpis, status(true, [job('surge', 'RUNNING')]))).toBe('no');
  });

  it('does not know while Flink does not answer', () => {
    expect(flinkGroupLiveness(kpis, status(false, []))).toBe('unknown');
    expect(flinkGroupLiveness(kpis, null)).toBe('unknown');
  });

  it('leaves other groups to their members', () => {
    expect(flinkGroupLiveness('streamwatch-gw-1-alerts', status(true, []))).toBeNull();
  });
});
