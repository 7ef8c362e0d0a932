import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { Say } from './supervisor';

/** A job the session cluster should be running: its name (pipeline.name) and the runner's arguments. */
export interface DesiredJob {
  readonly name: string;
  /** SqlJobRunner arguments; `restore` asks it to resume from the job's newest completed checkpoint. */
  readonly args: (restore: boolean) => readonly string[];
}

export interface SessionJobsOptions {
  readonly restUrl: string;
  readonly jobJar: string;
  readonly entryClass: string;
  /** Each job's parallelism (a submitted jar's default is 1, whatever the cluster's parallelism.default says). */
  readonly parallelism: number;
  readonly jobs: readonly DesiredJob[];
  readonly say: Say;
  /** How often the cluster is compared with the desired jobs. */
  readonly intervalMs?: number;
}

interface JobOverview {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
}

const ENDED = new Set(['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED']);

/**
 * Keeps the desired jobs running on a session cluster, as an operator would: every few seconds
 * it lists the cluster's jobs and submits each missing one the way production clusters get jobs
 * (the shaded jar through /jars/upload, then /jars/:id/run). Without JobManager high
 * availability a restarted JobManager knows no jobs; they are submitted again, each resuming
 * from its newest retained checkpoint. The first submission of each starts fresh, as the
 * mini-cluster's first start does.
 */
export class SessionJobs {
  private readonly submitted = new Map<string, number>();
  /** The uploaded jar's id, shared by submissions made side by side so that the jar is uploaded once. */
  private jar: Promise<string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastComplaint = 0;

  constructor(private readonly o: SessionJobsOptions) {}

  /** Submissions so far, by job name (the first included). */
  submissions(): Record<string, number> {
    return Object.fromEntries(this.submitted);
  }

  start(): void {
    const tick = (): void => {
      this.pass = this.reconcile()
        .catch((err: Error) => this.complain(`cannot reach the JobManager at ${this.o.restUrl} (${err.message}); trying again`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs ?? 2000);
        });
    };
    tick();
  }

  /** Stops reconciling and cancels the jobs, so that their Kafka sinks abort open transactions. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
    const deadline = Date.now() + timeoutMs;
    try {
      const ours = (await this.overview()).filter((j) => this.isOurs(j) && !ENDED.has(j.state));
      await Promise.all(ours.map((j) => this.request(`/jobs/${j.jid}?mode=cancel`, { method: 'PATCH' })));
      while (Date.now() < deadline && (await this.overview()).some((j) => this.isOurs(j) && !ENDED.has(j.state))) {
        await new Promise((r) => setTimeout(r, 250));
      }
    } catch (err) {
      this.o.say(`[flink] could not cancel the jobs on the way out (${(err as Error).message}); their open transactions time out on the brokers`);
    }
  }

  private isOurs(job: JobOverview): boolean {
    return this.o.jobs.some((d) => d.name === job.name);
  }

  private async reconcile(): Promise<void> {
    const running = new Set((await this.overview()).filter((j) => !ENDED.has(j.state)).map((j) => j.name));
    // Side by side: the JobManager plans each in its own thread, and a restarted one has all to resubmit.
    await Promise.all(this.o.jobs.filter((job) => !running.has(job.name)).map((job) => this.submitOne(job)));
  }

  private async submitOne(job: DesiredJob): Promise<void> {
    if (this.stopped) return;
    const before = this.submitted.get(job.name) ?? 0;
    try {
      const started = Date.now();
      const jobId = await this.submit(job.args(before > 0));
      this.submitted.set(job.name, before + 1);
      const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      this.o.say(`[flink] submitted ${job.name} as job ${jobId} in ${took}${before > 0 ? ' (again, resuming from its newest checkpoint)' : ''}`);
    } catch (err) {
      this.complain(`submitting ${job.name} failed (${(err as Error).message}); trying again`);
    }
  }

  private async submit(args: readonly string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const jar = this.uploadOnce();
      const jarId = await jar;
      const res = await fetch(`${this.o.restUrl}/jars/${encodeURIComponent(jarId)}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ entryClass: this.o.entryClass, programArgsList: args, parallelism: this.o.parallelism }),
        // Planning a job in the JobManager takes seconds; on a busy machine, tens of them.
        signal: AbortSignal.timeout(180_000),
      });
      const body = (await res.json().catch(() => ({}))) as { jobid?: string; errors?: string[] };
      if (res.ok && body.jobid) return body.jobid;
      // A restarted JobManager may have lost the upload: upload again once.
      if (res.status === 404 && attempt === 0) {
        if (this.jar === jar) this.jar = null;
        continue;
      }
      throw new Error(`/jars/:id/run answered ${res.status}: ${(body.errors ?? []).join(' ').slice(0, 1500)}`);
    }
  }

  private uploadOnce(): Promise<string> {
    this.jar ??= this.upload().catch((err: unknown) => {
      this.jar = null;
      throw err;
    });
    return this.jar;
  }

  private async upload(): Promise<string> {
    const form = new FormData();
    form.append('jarfile', await openAsBlob(this.o.jobJar, { type: 'application/x-java-archive' }), basename(this.o.jobJar));
    const res = await fetch(`${this.o.restUrl}/jars/upload`, { method: 'POST', body: form, signal: AbortSignal.timeout(120_000) });
    const body = (await res.json().catch(() => ({}))) as { filename?: string; status?: string; errors?: string[] };
    if (!res.ok || body.status !== 'success' || !body.filename) throw new Error(`/jars/upload answered ${res.status}: ${(body.errors ?? []).join(' ')}`);
    return basename(body.filename);
  }

  private async overview(): Promise<JobOverview[]> {
    const res = await this.request('/jobs/overview');
    return ((await res.json()) as { jobs: JobOverview[] }).jobs;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.o.restUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return res;
  }

  /** Says why the cluster is unreachable at most every 30 s (a restarting JobManager takes a while). */
  private complain(line: string): void {
    if (Date.now() - this.lastComplaint < 30_000) return;
    this.lastComplaint = Date.now();
    this.o.say(`[flink] ${line}`);
  }
}
