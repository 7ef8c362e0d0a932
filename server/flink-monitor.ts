import type { Logger } from 'pino';
import type { FlinkJobStatus, PipelineStatus } from '../lib/pipeline-status';

interface JobsOverview {
  jobs: { jid: string; name: string; state: string; 'start-time': number; tasks: { running: number; total: number } }[];
}
interface Checkpoints {
  counts: { completed: number; failed: number };
  latest: {
    completed: { latest_ack_timestamp: number; end_to_end_duration: number } | null;
    restored: { id: number; restore_timestamp: number } | null;
  };
}
interface JobDetails {
  vertices: { id: string; name: string; metrics: { 'read-records': number; 'write-records': number } }[];
}
type Watermarks = { id: string; value: string }[];
interface Backpressure {
  backpressureLevel?: 'ok' | 'low' | 'high';
}

const LEVELS = ['ok', 'low', 'high'] as const;
/** Flink reports "no watermark yet" as Long.MIN_VALUE. */
const NO_WATERMARK = -9_000_000_000_000_000;

/**
 * Polls the REST API of the Flink cluster that runs the jobs (the local mini-cluster, or a real
 * cluster's JobManager): job state, tasks, checkpoints, record counts, event-time watermark
 * and backpressure. Flink answering
 * nothing is a status too, not an error that stops the gateway.
 */
export class FlinkMonitor {
  private latest: PipelineStatus;
  private timer: NodeJS.Timeout | undefined;
  /** Called after every poll. */
  onStatus: (status: PipelineStatus) => void = () => undefined;

  private readonly restUrl: string | null;
  private readonly pollMs: number;
  private readonly log: Logger;
  private readonly clock: { now(): number };

  constructor({ restUrl, pollMs, log, clock = Date }: { readonly restUrl: string | null; readonly pollMs: number; readonly log: Logger; readonly clock?: { now(): number } }) {
    this.restUrl = restUrl;
    this.pollMs = pollMs;
    this.log = log;
    this.clock = clock;
    this.latest = { at: 0, reachable: false, error: restUrl ? 'not polled yet' : 'no Flink REST URL configured (FLINK_REST_URL)', jobs: [] };
  }

  get status(): PipelineStatus {
    return this.latest;
  }

  start(): void {
    if (!this.restUrl) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    void this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async poll(): Promise<void> {
    if (!this.restUrl) return;
    const at = this.clock.now();
    try {
      const overview = await this.get<JobsOverview>('/jobs/overview');
      const jobs = await Promise.all(overview.jobs.map((j) => this.jobStatus(j)));
      this.latest = { at, reachable: true, error: null, jobs: jobs.sort((a, b) => a.name.localeCompare(b.name)) };
    } catch (err) {
      const error = (err as Error).message;
      if (this.latest.reachable || this.latest.error !== error) this.log.warn({ restUrl: this.restUrl, error }, 'Flink REST API not answering');
      this.latest = { at, reachable: false, error, jobs: [] };
    }
    this.onStatus(this.latest);
  }

  private async jobStatus(job: JobsOverview['jobs'][number]): Promise<FlinkJobStatus> {
    // A job still initializing has no checkpoint statistics yet (Flink answers 500), and one
    // job's details failing must not hide the others: it shows with what the overview said.
    // What was last known of the same job stands meanwhile (a restarting job has no details, and a
    // busy JobManager times a request out): its restarts and checkpoints do not blink to zero.
    const previous = this.latest.jobs.find((j) => j.id === job.jid);
    const details = (job.state === 'RUNNING' ? await this.jobDetails(job, previous).catch(() => null) : null) ?? previous;
    return {
      id: job.jid,
      name: job.name,
      state: job.state,
      startedAt: job['start-time'],
      tasksRunning: job.tasks.running,
      tasksTotal: job.tasks.total,
      checkpoints: details?.checkpoints ?? { completed: 0, failed: 0, lastCompletedAt: null, lastDurationMs: null },
      restarts: details?.restarts ?? 0,
      restoredFrom: details?.restoredFrom ?? null,
      recordsIn: details?.recordsIn ?? 0,
      recordsOut: details?.recordsOut ?? 0,
      watermark: details?.watermark ?? null,
      backpressure: details?.backpressure ?? { level: 'ok', vertex: null },
    };
  }

  private async jobDetails(job: JobsOverview['jobs'][number], previous: FlinkJobStatus | undefined): Promise<Omit<FlinkJobStatus, 'id' | 'name' | 'state' | 'startedAt' | 'tasksRunning' | 'tasksTotal'>> {
    const [checkpoints, details, restarts] = await Promise.all([
      this.get<Checkpoints>(`/jobs/${job.jid}/checkpoints`),
      this.get<JobDetails>(`/jobs/${job.jid}`),
      this.get<{ id: string; value: string }[]>(`/jobs/${job.jid}/metrics?get=numRestarts`).then(
        (metrics) => Number(metrics[0]?.value ?? NaN),
        () => NaN,
      ),
    ]);
    const restored = checkpoints.latest.restored;
    const last = checkpoints.latest.completed;
    const perVertex = await Promise.all(
      details.vertices.map(async (v) => {
        const [watermarks, backpressure] = await Promise.all([
          this.get<Watermarks>(`/jobs/${job.jid}/vertices/${v.id}/watermarks`).catch(() => [] as Watermarks),
          this.get<Backpressure>(`/jobs/${job.jid}/vertices/${v.id}/backpressure`).catch(() => ({}) as Backpressure),
        ]);
        const inputs = watermarks.filter((w) => w.id.endsWith('currentInputWatermark')).map((w) => Number(w.value));
        const valid = inputs.filter((w) => Number.isFinite(w) && w > NO_WATERMARK);
        // A vertex's event-time progress is its slowest subtask's; one without any is not counted.
        return { name: v.name, watermark: valid.length === inputs.length && valid.length > 0 ? Math.min(...valid) : null, level: backpressure.backpressureLevel ?? 'ok' };
      }),
    );
    const withWatermark = perVertex.filter((v) => v.watermark !== null);
    const worst = perVertex.reduce((w, v) => (LEVELS.indexOf(v.level) > LEVELS.indexOf(w.level) ? v : w), { name: '', level: 'ok' as Backpressure['backpressureLevel'] & string, watermark: null as number | null });
    return {
      checkpoints: {
        completed: checkpoints.counts.completed,
        failed: checkpoints.counts.failed,
        lastCompletedAt: last?.latest_ack_timestamp ?? null,
        lastDurationMs: last?.end_to_end_duration ?? null,
      },
      restarts: Number.isFinite(restarts) ? restarts : (previous?.restarts ?? 0),
      restoredFrom: restored ? { checkpointId: restored.id, at: restored.restore_timestamp } : null,
      recordsIn: details.vertices.reduce((sum, v) => sum + v.metrics['read-records'], 0),
      recordsOut: details.vertices.reduce((sum, v) => sum + v.metrics['write-records'], 0),
      watermark: withWatermark.length > 0 ? Math.min(...withWatermark.map((v) => v.watermark!)) : null,
      backpressure: { level: worst.level, vertex: worst.level === 'ok' ? null : worst.name },
    };
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.restUrl}${path}`, { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    return (await res.json()) as T;
  }
}
