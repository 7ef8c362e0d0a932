import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAINTEXT } from '../../lib/kafka-auth';
import { defaultPipelineSettings, type PipelineSettings } from '../../lib/pipeline-jobs';
import { deadLetterHeaders, type TopicKey } from '../../lib/topics';
import { alertsReached, committed, compareKpis, compareRuns, kpisReached, surgeReached } from '../verify/exactly-once';
import { flushPayments, flushRecords, producePaced, simulatedCity, type Outgoing } from '../verify/simulated-city';
import { isolatedPipeline, type IsolatedPipeline } from './isolated-flink';
import { header, testKafka } from './kafka-test-client';
import { kafkaTool } from './kafka-tool';
import { startTestBroker } from './test-broker';

/**
 * The broker killed with SIGKILL, again and again, while the simulated city is produced into it
 * with an idempotent producer and the exactly-once jobs (surge, fraud, KPIs) run on it. The same
 * city goes to a second broker that is never touched, with the same jobs. What the first run
 * committed (read_committed) must equal what the undisturbed run committed: no window, alert or
 * KPI minute lost, none twice, none different.
 */
const settings: PipelineSettings = { ...defaultPipelineSettings, surge: { h3Resolution: 8, windowMs: 20_000, slideMs: 5_000, latenessMs: 5_000, minDemand: 3 } };
const DURATION_MS = 4 * 60_000;
const SPEEDUP = 4;
const KILLS = 3;
const inputs: TopicKey[] = ['driverLocationsRaw', 'rideRequestsRaw', 'paymentsRaw'];
let flaky: Awaited<ReturnType<typeof startTestBroker>>;
let steady: Awaited<ReturnType<typeof startTestBroker>>;
let broken: IsolatedPipeline;
let undisturbed: IsolatedPipeline;

beforeAll(async () => {
  [flaky, steady] = await Promise.all([startTestBroker(), startTestBroker()]);
  [broken, undisturbed] = await Promise.all([
    isolatedPipeline({ brokers: flaky.brokers, jobs: ['surge', 'fraud', 'kpis'], settings, heap: '1024m' }),
    isolatedPipeline({ brokers: steady.brokers, jobs: ['surge', 'fraud', 'kpis'], settings, heap: '1024m' }),
  ]);
  await Promise.all([broken.start(), undisturbed.start()]);
  await Promise.all([broken.running(180_000), undisturbed.running(180_000)]);
}, 400_000);

afterAll(async () => {
  await Promise.all([broken?.stop(), undisturbed?.stop()]);
  await Promise.all([flaky?.stop(), steady?.stop()]);
});

/** The simulator's producer settings (idempotent, one request in flight), retrying through an outage. */
function idempotentProducer(brokers: string[]): Producer {
  const kafka = new Kafka({ clientId: 'broker-kill-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 1000, initialRetryTime: 200, maxRetryTime: 2000 } });
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 1000, initialRetryTime: 200, maxRetryTime: 2000 } });
}

describe('broker killed repeatedly under an idempotent producer', () => {
  it('commits what an undisturbed run commits: every surge window equal, every alert once', async () => {
    const t0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
    const [pings, requests, payments] = inputs.map((key) => broken.topic(key)) as [string, string, string];
    const { outgoing, cases } = simulatedCity({
      t0, durationMs: DURATION_MS, seed: 4242, topics: { pings, requests, payments },
      delayedShare: 0.2, maxDelayMs: 800, malformedShare: 0.005, paymentsPerSecond: 10, fraudCasesPerMinute: 20,
    });
    const end = t0 + DURATION_MS + 60_000;
    outgoing.push(...flushRecords(pings, requests, end), ...flushPayments(payments, end));
    // The same records, under the undisturbed pipeline's topic names.
    const rename = new Map(inputs.map((key) => [broken.topic(key), undisturbed.topic(key)]));
    const mirrored: Outgoing[] = outgoing.map((o) => ({ ...o, topic: rename.get(o.topic)! }));

    const [toFlaky, toSteady] = [idempotentProducer(flaky.brokers), idempotentProducer(steady.brokers)];
    await Promise.all([toFlaky.connect(), toSteady.connect()]);
    const started = Date.now();
    const producing = Promise.all([producePaced(toFlaky, outgoing, SPEEDUP), producePaced(toSteady, mirrored, SPEEDUP)]);
    const outages: { at: number; downMs: number }[] = [];
    const interval = DURATION_MS / SPEEDUP / (KILLS + 1);
    for (let i = 1; i <= KILLS; i++) {
      await new Promise((r) => setTimeout(r, started + i * interval - Date.now()));
      const at = Date.now();
      await flaky.kill();
      await new Promise((r) => setTimeout(r, 2000));
      await flaky.restart();
      outages.push({ at: (at - started) / 1000, downMs: Date.now() - at });
    }
    await producing;
    const producedIn = Date.now() - started;
    await Promise.all([toFlaky.disconnect(), toSteady.disconnect()]);

    const k = testKafka(flaky.brokers);
    const kSteady = testKafka(steady.brokers);
    const lastEnd = Math.floor((t0 + DURATION_MS) / 5_000) * 5_000;
    const lastMinute = Math.floor((t0 + DURATION_MS) / 60_000) * 60_000;
    const [surgeA, surgeB, alertsA, alertsB, kpisA, kpisB, rawA, rawB] = await Promise.all([
      committed(k, broken.topic('surgeCells'), surgeReached(lastEnd)),
      committed(kSteady, undisturbed.topic('surgeCells'), surgeReached(lastEnd)),
      committed(k, broken.topic('fraudAlerts'), alertsReached(cases)),
      committed(kSteady, undisturbed.topic('fraudAlerts'), alertsReached(cases)),
      committed(k, broken.topic('opsKpis'), kpisReached(lastMinute)),
      committed(kSteady, undisturbed.topic('opsKpis'), kpisReached(lastMinute)),
      Promise.all(inputs.map((key) => k.endOffsets(broken.topic(key)))),
      Promise.all(inputs.map((key) => kSteady.endOffsets(undisturbed.topic(key)))),
    ]).catch(async (err: Error) => {
      // Which side stalled, and whether its jobs restarted or stopped checkpointing, for the next look.
      const [atKilled, atSteady] = await Promise.all([broken.health(), undisturbed.health()].map((h) => h.catch((e: Error) => e.message)));
      // An output read read_committed stops at a transaction left open: written vs committed, and
      // what Kafka's own kafka-transactions.sh finds hanging, tell that apart from a job that stopped.
      const outputs = await Promise.all(
        [[k, broken, flaky.brokers] as const, [kSteady, undisturbed, steady.brokers] as const].flatMap(([client, p, brokers]) =>
          (['fraudAlerts', 'surgeCells', 'opsKpis'] as const).map(async (key) => {
            const topic = p.topic(key);
            const [done, written] = await Promise.all([client.readUntil(topic, () => false, 4000, true), client.readUntil(topic, () => false, 4000, true, true)]);
            const hanging = await kafkaTool('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', brokers[0]!, 'find-hanging', '--topic', topic], PLAINTEXT).catch((e: Error) => e.message);
            return `${topic}: ${done.length} committed of ${written.length} written; find-hanging: ${hanging.trim().replace(/\s+/g, ' ').slice(0, 400)}`;
          }),
        ),
      );
      console.log(
        `[faults] no complete output: ${err.message}; killed broker's run writes ${broken.topic('fraudAlerts')}, Flink ${JSON.stringify(atKilled)}; ` +
          `undisturbed run writes ${undisturbed.topic('fraudAlerts')}, Flink ${JSON.stringify(atSteady)}; outages ${JSON.stringify(outages)}\n  ${outputs.join('\n  ')}`,
      );
      throw err;
    });
    // Where records went that no window or rule took: late (behind the watermark) or dead-lettered.
    const setAside = async (client: ReturnType<typeof testKafka>, p: IsolatedPipeline) => {
      const [late, dlq] = await Promise.all([client.readUntil(p.topic('lateEvents'), () => false, 4000, true), client.readUntil(p.topic('paymentsDlq'), () => false, 4000, true)]);
      const reasons = new Map<string, number>();
      for (const m of dlq) reasons.set(header(m, deadLetterHeaders.reason) ?? '?', (reasons.get(header(m, deadLetterHeaders.reason) ?? '?') ?? 0) + 1);
      return `${late.length} late events, payments dead-lettered: ${[...reasons].map(([r, n]) => `${n}× ${r}`).join(', ') || 'none'}`;
    };
    const [asideA, asideB] = await Promise.all([setAside(k, broken), setAside(kSteady, undisturbed)]);
    await Promise.all([k.close(), kSteady.close()]);
    console.log(`[faults] set aside: killed broker's run ${asideA}; undisturbed ${asideB}`);
    const c = compareRuns([surgeA, surgeB], [alertsA, alertsB], end);
    const kpis = compareKpis(kpisA, kpisB, lastMinute);
    const flink = await broken.health();
    console.log(
      `[faults] broker killed ${KILLS}× (at ${outages.map((o) => `${o.at.toFixed(0)} s, down ${(o.downMs / 1000).toFixed(1)} s`).join('; ')}) while ${outgoing.length} records were produced in ${(producedIn / 1000).toFixed(0)} s; ` +
        `raw records on the killed broker ${rawA.join('/')} vs ${rawB.join('/')} undisturbed (pings/requests/payments); Flink: ${flink.restarts} job restarts, checkpoints ${flink.checkpointsCompleted} completed and ${flink.checkpointsFailed} failed; ` +
        `surge windows ${c.windows.broken} vs ${c.windows.steady}, ${c.windows.differing} differ, ${c.windows.onlyInBroken} extra, twice ${c.windows.duplicates.join('/')}; ` +
        `alerts ${c.alerts.broken} vs ${c.alerts.steady}, ${c.alerts.missing} missing, ${c.alerts.extra} extra, ${c.alerts.differing} differ, twice ${c.alerts.duplicates.join('/')}; ${cases.length} cases injected; ` +
        `KPI minutes ${kpis.broken} vs ${kpis.steady}, ${kpis.missing} missing, ${kpis.extra} extra, ${kpis.differing.length} differ, twice ${kpis.duplicates.join('/')}`,
    );
    for (const d of kpis.differing) console.log(`  KPI minute differs: ${d}`);
    expect(flink.restarts).toBeLessThan(Infinity);
    // The idempotent producer wrote every record once, through every outage.
    expect(rawA).toEqual(rawB);
    expect(rawA.reduce((a, b) => a + b, 0)).toBe(outgoing.length);
    expect(c.windows.steady).toBeGreaterThan(1000);
    expect(c.windows).toMatchObject({ differing: 0, onlyInBroken: 0, duplicates: [0, 0] });
    expect(c.alerts.steady).toBeGreaterThanOrEqual(cases.length);
    expect(c.alerts).toMatchObject({ broken: c.alerts.steady, differing: 0, missing: 0, extra: 0, duplicates: [0, 0] });
    // Every minute of the city (the first one begins before t0).
    expect(kpis.steady).toBeGreaterThanOrEqual(DURATION_MS / 60_000);
    expect(kpis).toMatchObject({ broken: kpis.steady, differing: [], missing: 0, extra: 0, duplicates: [0, 0] });
  }, 900_000);
});
