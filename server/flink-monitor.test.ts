import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkMonitor } from './flink-monitor';

/** A stand-in for Flink's REST API: one job initializing, one whose checkpoint statistics fail. */
let server: Server;
let url: string;
/** kpis's details and restart count stop answering (a JobManager too busy to answer in time). */
let kpisDetailsFail = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/jobs/overview') {
      return json(200, {
        jobs: [
          { jid: 'a', name: 'surge', state: 'INITIALIZING', 'start-time': 1, tasks: { running: 0, total: 4 } },
          { jid: 'b', name: 'fraud', state: 'RUNNING', 'start-time': 2, tasks: { running: 4, total: 4 } },
          { jid: 'c', name: 'kpis', state: 'RUNNING', 'start-time': 3, tasks: { running: 2, total: 4 } },
        ],
      });
    }
    // kpis restarted twice after losing a TaskManager and resumed from checkpoint 41.
    if (kpisDetailsFail && req.url?.startsWith('/jobs/c')) return json(500, { errors: ['timed out'] });
    if (req.url === '/jobs/c/checkpoints') {
      return json(200, {
        counts: { completed: 42, failed: 1 },
        latest: { completed: { latest_ack_timestamp: 5000, end_to_end_duration: 30 }, restored: { id: 41, restore_timestamp: 4000, is_savepoint: false, external_path: 'file:/x/chk-41' } },
      });
    }
    if (req.url === '/jobs/c') return json(200, { vertices: [] });
    if (req.url === '/jobs/c/metrics?get=numRestarts') return json(200, [{ id: 'numRestarts', value: '2' }]);
    if (req.url === '/jobs/b/checkpoints') return json(500, { errors: ['Unable to get JobMasterGateway for initializing job.'] });
    return json(404, { errors: ['not found'] });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('FlinkMonitor', () => {
  it('keeps reporting every job when one is initializing and another fails its details', async () => {
    const monitor = new FlinkMonitor({ restUrl: url, pollMs: 1000, log: pino({ level: 'silent' }) });
    await monitor.poll();
    expect(monitor.status.reachable).toBe(true);
    expect(monitor.status.jobs.map((j) => [j.name, j.state, j.watermark, j.checkpoints.completed])).toEqual([
      ['fraud', 'RUNNING', null, 0],
      ['kpis', 'RUNNING', null, 42],
      ['surge', 'INITIALIZING', null, 0],
    ]);
  });

  it('reports how often a job restarted and the checkpoint it resumed from', async () => {
    const monitor = new FlinkMonitor({ restUrl: url, pollMs: 1000, log: pino({ level: 'silent' }) });
    await monitor.poll();
    const byName = new Map(monitor.status.jobs.map((j) => [j.name, j]));
    expect(byName.get('kpis')).toMatchObject({ restarts: 2, restoredFrom: { checkpointId: 41, at: 4000 }, tasksRunning: 2, tasksTotal: 4 });
    expect(byName.get('fraud')).toMatchObject({ restarts: 0, restoredFrom: null });
  });

  it('keeps what it last knew of a job whose details stop answering, instead of zero restarts and checkpoints', async () => {
    const monitor = new FlinkMonitor({ restUrl: url, pollMs: 1000, log: pino({ level: 'silent' }) });
    await monitor.poll();
    kpisDetailsFail = true;
    try {
      await monitor.poll();
    } finally {
      kpisDetailsFail = false;
    }
    const kpis = monitor.status.jobs.find((j) => j.name === 'kpis');
    expect(kpis).toMatchObject({ restarts: 2, restoredFrom: { checkpointId: 41 }, checkpoints: { completed: 42 } });
    // A fresh monitor, which knew nothing before, has nothing to keep.
    const fresh = new FlinkMonitor({ restUrl: url, pollMs: 1000, log: pino({ level: 'silent' }) });
    kpisDetailsFail = true;
    try {
      await fresh.poll();
    } finally {
      kpisDetailsFail = false;
    }
    expect(fresh.status.jobs.find((j) => j.name === 'kpis')).toMatchObject({ restarts: 0, restoredFrom: null, checkpoints: { completed: 0 } });
  });
});
