import { Partitioners, type Consumer } from 'kafkajs';
import pino from 'pino';
import type { Forecast } from '../lib/lag/catch-up-forecast';
import { lagOf, type LagSample } from '../lib/lag/lag-sample';
import { LagMonitor } from '../server/lag-monitor';
import { startBenchBroker } from './bench-broker';
import { writeResults } from './results';

/**
 * How right the catch-up forecast is, against the real catch-up time, on a real broker: a
 * producer appends PRODUCE_RATE records a second; a consumer group that can take CONSUME_RATE
 * a second is paused until a backlog builds, then resumed. The lag monitor polls every second;
 * the forecast it gives 10 s after the resume is compared with how long the group really took
 * from then to be within a second's production of the end. Baseline, from the same polls: the
 * forecast from the rates over the whole window (first to last sample), as it was before it
 * read the last few polls only. Target: within ±30 %.
 */
const PRODUCE_RATE = 100;
const CONSUME_RATE = 300;
const POLL_MS = 1000;
const WINDOW = 10;
/**
 * A pause of p seconds leaves p × 100 records, worked off at a net 200/s: p / 2 s of catch-up,
 * of which p / 2 - 10 remain when the forecast is read. A 20 s pause leaves nothing to forecast
 * (one poll's worth: 185 % "error" on a 1 s remainder), so the shortest pause is 30 s.
 */
const PAUSES_S = (process.env.BENCH_FORECAST_PAUSES ?? '30,45,60').split(',').map(Number);
const say = (line: string): void => console.log(`[forecast] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The forecast from rates over the whole window, as the monitor computed it before (the baseline). */
function windowForecastSeconds(w: readonly LagSample[]): number | null {
  const first = w[0]!;
  const last = w.at(-1)!;
  const seconds = (last.at - first.at) / 1000;
  const net = (last.committed! - first.committed!) / seconds - (last.end - first.end) / seconds;
  return net > 0 ? lagOf(last)! / net : null;
}

const broker = await startBenchBroker(say);
try {
  const { kafka } = broker;
  const admin = kafka.admin();
  await admin.connect();
  const rows = [];
  for (const pauseS of PAUSES_S) {
    const topic = `bench-forecast-${Date.now().toString(36)}`;
    const groupId = `${topic}-group`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // Ten records every 100 ms.
    const producing = setInterval(() => void producer.send({ topic, messages: Array.from({ length: PRODUCE_RATE / 10 }, (_, i) => ({ value: `r${i}` })) }).catch(() => undefined), 100);

    // A consumer that takes at most CONSUME_RATE records a second and commits every half second.
    let paused = false;
    const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 16 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const m of batch.messages) {
          if (!isRunning() || isStale() || paused) break;
          resolveOffset(m.offset);
          if (Number(m.offset) % (CONSUME_RATE / 10) === 0) {
            await sleep(100);
            await heartbeat();
          }
        }
      },
    });

    const samples: LagSample[] = [];
    let forecast: Forecast = { kind: 'unknown' };
    const monitor = new LagMonitor({ admin, pollMs: 1_000_000, windowSize: WINDOW, log: pino({ level: 'silent' }) });
    monitor.onReport = (report) => {
      const p = report.groups.find((g) => g.groupId === groupId)?.partitions[0];
      if (!p) return;
      samples.push({ at: report.at, committed: p.committed, end: p.end });
      forecast = p.forecast;
    };
    const pollFor = async (ms: number): Promise<void> => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const started = Date.now();
        await monitor.pollOnce();
        await sleep(Math.max(0, POLL_MS - (Date.now() - started)));
      }
    };
    // Caught up first, then a backlog.
    await pollFor(10_000);
    paused = true;
    consumer.pause([{ topic }]);
    await pollFor(pauseS * 1000);
    paused = false;
    consumer.resume([{ topic }]);
    const resumedAt = Date.now();
    await pollFor(10_000);
    const at = samples.at(-1)!.at;
    // What the lag page showed then.
    const given = forecast as Forecast;
    const baseline = windowForecastSeconds(samples.slice(-WINDOW));
    // Caught up: within a second's production of the end.
    let caughtAt: number | null = null;
    const deadline = Date.now() + 5 * 60_000;
    while (caughtAt === null && Date.now() < deadline) {
      await pollFor(POLL_MS);
      const last = samples.at(-1)!;
      if (lagOf(last)! <= PRODUCE_RATE) caughtAt = last.at;
    }
    clearInterval(producing);
    await consumer.disconnect();
    await producer.disconnect();
    if (given.kind !== 'catching-up' || caughtAt === null) {
      say(`pause ${pauseS} s: no catch-up to compare (forecast ${JSON.stringify(given)}, caught up ${caughtAt === null ? 'never' : 'yes'})`);
      continue;
    }
    const actual = (caughtAt - at) / 1000;
    const error = (given.seconds - actual) / actual;
    const baselineError = baseline === null ? Infinity : (baseline - actual) / actual;
    say(
      `pause ${pauseS} s (backlog ${lagOf(samples.find((s) => s.at >= resumedAt) ?? samples.at(-1)!)} records): 10 s after the resume the forecast said ${given.seconds.toFixed(1)} s, ` +
        `it took ${actual.toFixed(1)} s (${(error * 100).toFixed(0)} %); the whole-window forecast said ${baseline === null ? 'never' : `${baseline.toFixed(1)} s (${(baselineError * 100).toFixed(0)} %)`}`,
    );
    rows.push({
      name: `catch-up forecast error 10 s after a ${pauseS} s pause (baseline: rates over the whole window)`,
      value: Math.abs(error) * 100,
      unit: '%',
      baseline: Math.abs(baselineError) * 100,
      ratio: Math.abs(error) / Math.abs(baselineError),
      target: '<= 30 %',
    });
  }
  await admin.disconnect();
  writeResults('forecast-accuracy', `Catch-up forecast against the real catch-up (${PRODUCE_RATE}/s produced, ${CONSUME_RATE}/s consumable)`, rows);
} finally {
  await broker.stop();
}
