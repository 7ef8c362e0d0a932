'use client';

import { formatAge } from '../../lib/format-age';
import { usePipeline } from '../live/use-latest';

/** The Flink jobs feeding the dashboard: state, tasks, restarts and restores, checkpoints, event time reached, backpressure. */
export function FlinkJobs() {
  const status = usePipeline();
  if (!status) return null;
  if (!status.reachable) {
    return (
      <p className="px-4 py-2 text-sm text-en-route" data-testid="pipeline.unreachable">
        Flink: {status.error}
      </p>
    );
  }
  return (
    <ul className="flex flex-wrap gap-3 px-4 py-3 text-sm" aria-label="Flink jobs">
      {status.jobs.map((job) => (
        <li key={job.id} className="rounded border border-edge bg-panel px-3 py-2" data-testid={`pipeline.job.${job.name}`}>
          <span className="font-mono">{job.name}</span>{' '}
          <span className={job.state === 'RUNNING' ? 'text-idle' : 'text-red-400'} data-testid="pipeline.job.state">
            {job.state}
          </span>
          {job.state === 'RUNNING' && job.tasksRunning < job.tasksTotal ? (
            <span className="ml-2 text-en-route" data-testid="pipeline.job.recovering">
              recovering
            </span>
          ) : null}
          <span className="ml-3 text-muted">
            tasks {job.tasksRunning}/{job.tasksTotal} · checkpoints {job.checkpoints.completed}
            {job.checkpoints.failed > 0 ? ` (${job.checkpoints.failed} failed)` : ''} · last{' '}
            {job.checkpoints.lastCompletedAt ? `${formatAge(status.at - job.checkpoints.lastCompletedAt)} ago` : '—'} · event time{' '}
            <span data-testid="pipeline.job.watermark">{job.watermark === null ? '—' : `${formatAge(Math.max(0, status.at - job.watermark))} behind`}</span>
          </span>
          {job.restarts > 0 || job.restoredFrom ? (
            <span className="ml-3 text-en-route" data-testid="pipeline.job.restarts">
              {job.restarts > 0 ? `restarted ${job.restarts}×` : ''}
              {job.restarts > 0 && job.restoredFrom ? ' · ' : ''}
              {job.restoredFrom ? `resumed from checkpoint ${job.restoredFrom.checkpointId} ${formatAge(Math.max(0, status.at - job.restoredFrom.at))} ago` : ''}
            </span>
          ) : null}
          {job.backpressure.level !== 'ok' ? (
            <span className={job.backpressure.level === 'high' ? 'ml-3 text-red-400' : 'ml-3 text-en-route'} data-testid="pipeline.job.backpressure">
              backpressure {job.backpressure.level} at {job.backpressure.vertex}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
