import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts } from './free-ports';
import { SessionJobs } from './flink-session-jobs';

interface RunRequest {
  readonly jarId: string;
  readonly entryClass: string;
  readonly programArgsList: string[];
  readonly parallelism: number;
}

/**
 * A JobManager's REST API as far as SessionJobs uses it, with what a restart does to it:
 * `restart()` forgets every job and every uploaded jar, as a JobManager without HA does.
 */
class FakeJobManager {
  readonly runs: RunRequest[] = [];
  readonly uploads: number[] = [];
  readonly cancels: string[] = [];
  jobs: { jid: string; name: string; state: string }[] = [];
  jars = new Set<string>();
  down = false;
  private next = 0;
  private server: Server | null = null;

  async listen(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  restart(): void {
    this.jobs = [];
    this.jars.clear();
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (this.down) return [503, { errors: ['starting'] }];
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/jobs/overview') return [200, { jobs: this.jobs }];
    if (req.method === 'POST' && url.pathname === '/jars/upload') {
      this.uploads.push(body.length);
      const id = `${++this.next}_streamwatch-flink.jar`;
      this.jars.add(id);
      return [200, { status: 'success', filename: `/tmp/flink-web/upload/${id}` }];
    }
    const run = /^\/jars\/([^/]+)\/run$/.exec(url.pathname);
    if (req.method === 'POST' && run) {
      const jarId = decodeURIComponent(run[1]!);
      if (!this.jars.has(jarId)) return [404, { errors: ['jar not found'] }];
      const request = { jarId, ...(JSON.parse(body.toString()) as Omit<RunRequest, 'jarId'>) };
      this.runs.push(request);
      const jid = `job-${++this.next}`;
      const name = request.programArgsList[request.programArgsList.indexOf('--name') + 1]!;
      this.jobs.push({ jid, name, state: 'RUNNING' });
      return [200, { jobid: jid }];
    }
    const cancel = /^\/jobs\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PATCH' && cancel && url.searchParams.get('mode') === 'cancel') {
      this.cancels.push(cancel[1]!);
      for (const job of this.jobs) if (job.jid === cancel[1]) job.state = 'CANCELED';
      return [202, {}];
    }
    return [404, { errors: ['not found'] }];
  }
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SessionJobs keeps the desired jobs on a session cluster', () => {
  let jobManager = new FakeJobManager();
  let jobs: SessionJobs | null = null;
  let said: string[] = [];

  afterEach(async () => {
    await jobs?.stop(1000);
    jobs = null;
    await jobManager.close();
  });

  async function start(names: string[]): Promise<void> {
    jobManager = new FakeJobManager();
    said = [];
    const [port] = await freePorts(1);
    const restUrl = await jobManager.listen(port!);
    const jar = join(mkdtempSync(join(tmpdir(), 'sw-session-jobs-')), 'streamwatch-flink.jar');
    writeFileSync(jar, Buffer.alloc(4096, 7));
    jobs = new SessionJobs({
      restUrl,
      jobJar: jar,
      entryClass: 'io.streamwatch.flink.SqlJobRunner',
      parallelism: 2,
      intervalMs: 30,
      say: (line) => said.push(line),
      jobs: names.map((name) => ({ name, args: (restore) => ['--name', name, '--restore', String(restore)] })),
    });
    jobs.start();
  }

  it('uploads the jar once and runs every job fresh, with its entry class, arguments and parallelism', async () => {
    await start(['surge', 'fraud']);
    await until(() => jobManager.jobs.length === 2);
    // One upload, though both jobs were submitted side by side.
    expect(jobManager.uploads).toHaveLength(1);
    expect(jobManager.uploads[0]).toBeGreaterThan(4096);
    expect(jobManager.runs.map((r) => r.programArgsList).sort()).toEqual([
      ['--name', 'fraud', '--restore', 'false'],
      ['--name', 'surge', '--restore', 'false'],
    ]);
    for (const run of jobManager.runs) {
      expect(run).toMatchObject({ entryClass: 'io.streamwatch.flink.SqlJobRunner', parallelism: 2 });
    }
    // Running jobs are left alone.
    await new Promise((r) => setTimeout(r, 200));
    expect(jobManager.runs).toHaveLength(2);
    expect(jobs!.submissions()).toEqual({ surge: 1, fraud: 1 });
  });

  it('resubmits a job that ended, resuming from its checkpoint, and only that one', async () => {
    await start(['surge', 'fraud']);
    await until(() => jobManager.jobs.length === 2);
    jobManager.jobs.find((j) => j.name === 'fraud')!.state = 'FAILED';
    // The fake JobManager sees the run before the reconciler has its answer and counts it.
    await until(() => jobManager.runs.length === 3 && jobs!.submissions().fraud === 2);
    expect(jobManager.runs[2]!.programArgsList).toEqual(['--name', 'fraud', '--restore', 'true']);
    expect(jobs!.submissions()).toEqual({ surge: 1, fraud: 2 });
    expect(said.some((l) => l.includes('submitted fraud') && l.includes('again, resuming from its newest checkpoint'))).toBe(true);
  });

  it('after a JobManager restart, uploads the jar again and resubmits every job with restore, riding out the outage', async () => {
    await start(['surge', 'fraud']);
    await until(() => jobManager.jobs.length === 2);
    jobManager.down = true;
    jobManager.restart();
    await new Promise((r) => setTimeout(r, 150));
    expect(jobManager.runs).toHaveLength(2);
    jobManager.down = false;
    await until(() => jobManager.jobs.length === 2);
    expect(jobManager.uploads).toHaveLength(2);
    expect(jobManager.runs.slice(2).map((r) => r.programArgsList[3])).toEqual(['true', 'true']);
    // The first run after the restart used the forgotten jar, got 404, and uploaded again.
    expect(new Set(jobManager.runs.slice(2).map((r) => r.jarId)).size).toBe(1);
    expect(jobManager.runs[2]!.jarId).not.toBe(jobManager.runs[0]!.jarId);
    expect(said.some((l) => l.includes('cannot reach the JobManager'))).toBe(true);
  });

  it('on stop cancels its own jobs and leaves other jobs on the cluster alone', async () => {
    await start(['surge']);
    jobManager.jobs.push({ jid: 'someone-elses', name: 'billing', state: 'RUNNING' });
    await until(() => jobManager.jobs.some((j) => j.name === 'surge'));
    const ours = jobManager.jobs.find((j) => j.name === 'surge')!.jid;
    await jobs!.stop(2000);
    jobs = null;
    expect(jobManager.cancels).toEqual([ours]);
    expect(jobManager.jobs.find((j) => j.name === 'billing')!.state).toBe('RUNNING');
  });
});

describe('the session cluster and the job jar', () => {
  it('are built from the same Flink version', () => {
    const version = (pom: string): string | undefined => /<flink\.version>([^<]+)<\/flink\.version>/.exec(readFileSync(new URL(pom, import.meta.url), 'utf8'))?.[1];
    expect(version('./flink-dist/pom.xml')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version('./flink-dist/pom.xml')).toBe(version('../flink/pom.xml'));
  });
});
