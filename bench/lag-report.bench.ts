import { Partitioners } from 'kafkajs';
import pino from 'pino';
import type { LagReport } from '../lib/lag/lag-report';
import { LagMonitor } from '../server/lag-monitor';
import { RecordTimestamps } from '../server/record-timestamps';
import { startBenchBroker } from './bench-broker';
import { writeResults } from './results';

/**
 * How late the lag report is: from the poll's start to the report being handed to the sockets,
 * with 20 consumer groups on a real broker, half of them lagging (so their time lag is read
 * from the record they will read next) and some parked on a transaction marker. Baseline: the
 * same monitor without time lag (offsets only), in the same run. Target: p99 within 500 ms.
 */
const GROUPS = 20;
const POLLS = Number(process.env.BENCH_LAG_POLLS ?? 40);
const say = (line: string): void => console.log(`[lag-report] ${line}`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const broker = await startBenchBroker(say);
try {
  const { kafka } = broker;
  const admin = kafka.admin();
  await admin.connect();
  const plain = `bench-lag-${Date.now()}`;
  const transactional = `${plain}-tx`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: plain, numPartitions: 4 }, { topic: transactional, numPartitions: 2 }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let p = 0; p < 4; p++) await producer.send({ topic: plain, messages: Array.from({ length: 500 }, (_, i) => ({ partition: p, value: `r${i}`, timestamp: String(Date.now() - 60_000 + i) })) });
  const tx = kafka.producer({ transactionalId: `${plain}-tx`, idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  for (let i = 0; i < 5; i++) {
    const t = await tx.transaction();
    await t.send({ topic: transactional, messages: [0, 1].map((partition) => ({ partition, value: `t${i}` })) });
    await t.commit();
  }
  await tx.disconnect();
  // Half the groups behind on the plain topic at different offsets, a quarter caught up, a
  // quarter parked on the transactional topic's last marker.
  for (let g = 0; g < GROUPS; g++) {
    const groupId = `${plain}-group-${g}`;
    if (g % 4 === 3) {
      const ends = await admin.fetchTopicOffsets(transactional);
      await admin.setOffsets({ groupId, topic: transactional, partitions: ends.map((e) => ({ partition: e.partition, offset: String(Number(e.high) - 1) })) });
    } else {
      const offset = g % 2 === 0 ? 25 * g : 500;
      await admin.setOffsets({ groupId, topic: plain, partitions: [0, 1, 2, 3].map((partition) => ({ partition, offset: String(offset) })) });
    }
  }
  // A trickle, so ends keep moving as in a live cluster.
  const trickle = setInterval(() => void producer.send({ topic: plain, messages: [{ value: 'tick' }] }).catch(() => undefined), 100);

  const measure = async (withTimeLag: boolean): Promise<number[]> => {
    const timestamps = withTimeLag ? new RecordTimestamps(kafka, `${plain}-reader-${withTimeLag}`, pino({ level: 'silent' })) : undefined;
    const monitor = new LagMonitor({ admin, pollMs: 1_000_000, windowSize: 6, log: pino({ level: 'silent' }), timestamps });
    const delays: number[] = [];
    monitor.onReport = (report: LagReport) => delays.push(Date.now() - report.at);
    await monitor.pollOnce(); // subscribes the reader; not counted
    delays.length = 0;
    for (let i = 0; i < POLLS; i++) await monitor.pollOnce();
    const groups = monitor.report.groups.filter((g) => g.groupId.startsWith(plain));
    say(`${withTimeLag ? 'with' : 'without'} time lag: ${groups.length} groups, ${groups.filter((g) => g.maxTimeLagMs !== null && g.maxTimeLagMs > 0).length} with a time lag read, ${groups.filter((g) => g.status === 'OK' && g.totalLag === 0).length} caught up`);
    await timestamps?.stop();
    return delays;
  };
  const baseline = await measure(false);
  const withTimeLag = await measure(true);
  clearInterval(trickle);
  await producer.disconnect();
  await admin.disconnect();
  const rows = [50, 99].map((p) => {
    const value = percentile(withTimeLag, p);
    const base = percentile(baseline, p);
    return { name: `poll to push, p${p}, ${GROUPS} groups (baseline: offsets only)`, value, unit: 'ms', baseline: base, ratio: value / base, target: p === 99 ? '<= 500 ms' : 'report' };
  });
  writeResults('lag-report', `Lag report: poll to push with ${GROUPS} groups, ${POLLS} polls`, rows);
} finally {
  await broker.stop();
}
