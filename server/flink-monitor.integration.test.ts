import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { flinkJobs } from '../lib/pipeline-jobs';
import { topics } from '../lib/topics';
import { testKafka } from '../pipeline/stack/kafka-test-client';
import { FlinkMonitor } from './flink-monitor';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/** Job health read from the REST API of the integration stack's real Flink mini-cluster. */
const log = pino({ level: 'silent' });
const jobName = flinkJobs.driversPositions.sqlFile.replace(/\.sql$/, '');

describe('Flink monitor', () => {
  it('sees the drivers-positions job running and checkpointing', async () => {
    const monitor = new FlinkMonitor({ restUrl: inject('flinkRestUrl'), pollMs: 500, log });
    const deadline = Date.now() + 60_000;
    for (;;) {
      await monitor.poll();
      const job = monitor.status.jobs.find((j) => j.name === jobName);
      if (job?.state === 'RUNNING' && job.checkpoints.completed > 0) break;
      if (Date.now() > deadline) throw new Error(`no running, checkpointing ${jobName} job: ${JSON.stringify(monitor.status)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const job = monitor.status.jobs.find((j) => j.name === jobName)!;
    expect(monitor.status.reachable).toBe(true);
    expect(job.tasksRunning).toBe(job.tasksTotal);
    expect(Date.now() - job.checkpoints.lastCompletedAt!).toBeLessThan(30_000);
  });

  it('sees every catalog job running, and the event time and backpressure of a job with data', async () => {
    const k = testKafka(inject('brokers').split(','), kafkaAuth.admin);
    const monitor = new FlinkMonitor({ restUrl: inject('flinkRestUrl'), pollMs: 500, log });
    const names = Object.values(flinkJobs).map((j) => j.sqlFile.replace(/\.sql$/, '')).sort();
    const deadline = Date.now() + 90_000;
    let sentUpTo: number;
    for (;;) {
      // Fresh pings on every partition keep the job's event time moving.
      sentUpTo = Date.now();
      for (let i = 0; i < 8; i++) {
        const ping = { driverId: `wm-${i}`, lat: 12.97, lon: 77.59, status: 'idle', ts: sentUpTo };
        await k.produce(topics.driverLocationsRaw.name, ping.driverId, JSON.stringify(ping), sentUpTo);
      }
      await monitor.poll();
      const job = monitor.status.jobs.find((j) => j.name === jobName);
      // Every job running (each may take its time to start: four jobs' Kafka clients sign in on two cores).
      const allRunning = names.every((n) => monitor.status.jobs.some((j) => j.name === n && j.state === 'RUNNING'));
      if (allRunning && job?.watermark !== null && job?.watermark !== undefined && sentUpTo - job.watermark < 60_000) break;
      if (Date.now() > deadline) throw new Error(`no watermark on ${jobName}: ${JSON.stringify(monitor.status)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await k.close();
    expect(monitor.status.jobs.filter((j) => j.state === 'RUNNING').map((j) => j.name).sort()).toEqual(names);
    const job = monitor.status.jobs.find((j) => j.name === jobName)!;
    expect(job.watermark!).toBeLessThanOrEqual(sentUpTo);
    expect(['ok', 'low', 'high']).toContain(job.backpressure.level);
  }, 120_000);

  it('reports a Flink that does not answer as unreachable, with the reason', async () => {
    const monitor = new FlinkMonitor({ restUrl: 'http://127.0.0.1:1', pollMs: 500, log });
    await monitor.poll();
    expect(monitor.status.reachable).toBe(false);
    expect(monitor.status.error).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('says so when no Flink REST URL is configured', () => {
    expect(new FlinkMonitor({ restUrl: null, pollMs: 500, log }).status.error).toMatch(/no Flink REST URL configured/);
  });
});
