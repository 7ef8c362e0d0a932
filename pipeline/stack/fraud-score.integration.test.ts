import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { defaultPipelineSettings } from '../../lib/pipeline-jobs';
import { seededRandom } from '../../lib/random';
import { FraudAlert } from '../../lib/schemas/fraud-alert';
import { OpsKpis } from '../../lib/schemas/ops-kpis';
import type { FraudCase } from '../../lib/schemas/fraud-case';
import { deadLetterHeaders } from '../../lib/topics';
import { PaymentModel } from '../simulator/payments';
import { malformedPaymentKinds, malformedPayload } from '../simulator/record-faults';
import { formatScore, scoreFraud } from '../verify/fraud-score';
import { runningPipeline, type IsolatedPipeline } from './isolated-flink';
import { header, testKafka } from './kafka-test-client';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/**
 * The fraud job scored against injected ground truth, live: payments go out in real time
 * (so detection latency means something) with fraud cases among them and 1 % malformed
 * records; a read_committed consumer notes when each alert becomes visible.
 */

// Three minutes at 27 cases a minute inject as many cases (~50) as four at 20 did, a minute sooner.
const RUN_MS = 3 * 60_000;
const brokers = inject('brokers').split(',');
const k = testKafka(brokers, kafkaAuth.admin);
let pipeline: IsolatedPipeline;

beforeAll(async () => {
  pipeline = await runningPipeline({ brokers, security: kafkaAuth.admin, jobs: ['fraud', 'kpis'], settings: defaultPipelineSettings });
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  await k.close();
});

describe('fraud job against injected ground truth', () => {
  it('finds at least 95 % of injected cases at 90 %+ precision, counts every payment in the KPIs, and dead-letters every malformed one', async () => {
    const alerts: (FraudAlert & { visibleAt: number })[] = [];
    const watcher = k.kafka.consumer({ groupId: `${pipeline.prefix}-watcher`, maxWaitTimeInMs: 50 });
    await watcher.connect();
    await watcher.subscribe({ topic: pipeline.topic('fraudAlerts'), fromBeginning: true });
    void watcher.run({
      eachMessage: async ({ message }) => {
        const alert = FraudAlert.parse(JSON.parse(message.value!.toString('utf8')));
        alerts.push({ ...alert, visibleAt: Date.now() });
      },
    });

    const model = new PaymentModel({ city: bengaluru, seed: 31, paymentsPerSecond: 20, cards: 6000, fraudCasesPerMinute: 27 });
    const producer = k.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const rnd = seededRandom(5);
    const cases: FraudCase[] = [];
    let malformed = 0;
    let payments = 0;
    const cardNumbers = new Set<string>();
    const sent = new Map<string, { card: string; ts: number; amount: number }>();
    const perMinute = new Map<number, { payments: number; volume: number }>();
    const started = Date.now();
    let last = started;
    while (Date.now() - started < RUN_MS) {
      await new Promise((r) => setTimeout(r, 100));
      const now = Date.now();
      const out = model.step(now - last, now);
      last = now;
      cases.push(...out.cases);
      payments += out.payments.length;
      for (const p of out.payments) {
        sent.set(p.paymentId, { card: p.cardNumber.slice(-4), ts: p.ts - started, amount: p.amount });
        const minute = Math.floor(p.ts / 60_000) * 60_000;
        const m = perMinute.get(minute) ?? { payments: 0, volume: 0 };
        perMinute.set(minute, { payments: m.payments + 1, volume: m.volume + p.amount });
      }
      const messages = out.payments.flatMap((p) => {
        cardNumbers.add(p.cardNumber);
        const good = { key: p.riderId, value: JSON.stringify(p), timestamp: String(p.ts) };
        if (!rnd.chance(0.01)) return [good];
        // Garbage beside the good record, never instead of it: no payment is lost to the test.
        malformed++;
        return [good, { ...good, value: malformedPayload(rnd.pick(malformedPaymentKinds), p, 'paymentId') }];
      });
      if (messages.length > 0) await producer.send({ topic: pipeline.topic('paymentsRaw'), messages });
    }
    await producer.disconnect();
    const endedAt = Date.now();
    // Every payment read and checkpointed, then two more checkpoints for what the last
    // watermark fired: every alert this input raises is committed; the watcher must have them all.
    await k.groupCaughtUp(pipeline.group('fraud'), [pipeline.topic('paymentsRaw')]);
    await pipeline.checkpointsAfterNow(2);
    const committedAlerts = (await k.readToEnd(pipeline.topic('fraudAlerts'))).length;
    for (const deadline = Date.now() + 30_000; alerts.length < committedAlerts; ) {
      if (Date.now() > deadline) throw new Error(`the watcher saw ${alerts.length} of ${committedAlerts} committed alerts`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await watcher.disconnect();

    // Cases completed in the last seconds are left out: the watermark needs later payments.
    const score = scoreFraud(alerts, cases, endedAt - 5_000);
    console.log(`[fraud score] ${payments} payments over ${RUN_MS / 60_000} min, ${cases.length} cases injected\n${formatScore(score)}`);
    if (score.missed.length > 0) console.log('[fraud score] missed', JSON.stringify(score.missed.slice(0, 5)));
    for (const a of score.falseAlerts.slice(0, 5)) console.log('[fraud score] false alert', a.alertId, JSON.stringify(a.paymentIds.map((id) => sent.get(id))));
    expect(score.cases).toBeGreaterThan(30);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    for (const rule of Object.keys(score.byRule)) expect(score.byRule[rule]!.detected, rule).toBeGreaterThan(0);
    // Card data left the job masked only.
    const leaked = alerts.filter((a) => [...cardNumbers].some((n) => JSON.stringify(a).includes(n)));
    expect(leaked).toEqual([]);
    for (const a of alerts) expect([a.bin.length, a.last4.length]).toEqual([6, 4]);

    // The KPI job's complete minutes count exactly the payments sent in them.
    const complete = [...perMinute.keys()].filter((m) => m >= started && m + 60_000 <= endedAt - 10_000);
    const kpis = (await k.readUntil(pipeline.topic('opsKpis'), () => false, 8_000, true)).map((m) => OpsKpis.parse(JSON.parse(m.value!.toString('utf8'))));
    console.log(`[kpis] ${kpis.length} minutes committed: ${JSON.stringify(kpis)}`);
    expect(complete.length).toBeGreaterThan(0);
    for (const minute of complete) {
      const row = kpis.find((r) => r.windowStart === minute);
      expect(row, `minute ${new Date(minute).toISOString()}`).toBeDefined();
      expect(row!.payments).toBe(perMinute.get(minute)!.payments);
      expect(row!.paymentVolume).toBeCloseTo(perMinute.get(minute)!.volume, 2);
    }
    expect(kpis.reduce((n, r) => n + r.alerts, 0)).toBeGreaterThan(0);

    const dlq = await k.readUntil(pipeline.topic('paymentsDlq'), (all) => all.length >= malformed, 60_000);
    const reasons = dlq.map((m) => header(m, deadLetterHeaders.reason) ?? '');
    expect(reasons.filter((r) => !r.startsWith('late')).length).toBe(malformed);
  }, RUN_MS + 180_000);
});
