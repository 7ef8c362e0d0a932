import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPipelineSettings } from '../../lib/pipeline-jobs';
import { OpsKpis } from '../../lib/schemas/ops-kpis';
import { deadLetterHeaders, lateEventHeaders, type TopicKey } from '../../lib/topics';
import { fuzzedRecords, type RawKind } from '../verify/fuzzed-records';
import { isolatedPipeline, type IsolatedPipeline } from './isolated-flink';
import { header, testKafka } from './kafka-test-client';
import { startTestBroker } from './test-broker';

/**
 * 100,000 fuzzed records (fast-check) into the three raw topics, about half of them broken in
 * every way a producer can break them, hostile ones included (pipeline/verify/fuzzed-records.ts:
 * line terminators where patterns check, astral strings at length limits, deep nesting, numbers
 * JSON.stringify never writes, future event times). The Flink jobs keep running, quarantine
 * exactly the records the published schemas reject (each once, with a reason), let every good
 * one on, and the KPIs count the good ones only.
 */
const COUNT = 100_000;

/**
 * An id as Flink holds it: its strings are UTF-8 inside, so a lone surrogate comes out as '?'.
 * The schemas let such ids through (JSON.parse and zod accept them), so downstream two ids that
 * differ only there are one; the oracle counts them the way Flink can.
 */
const asFlinkHoldsIt = (id: string): string => id.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?');
const LATE_PER_TOPIC = 40;
const PARTITIONS = 4;
const raw: Record<RawKind, { topic: TopicKey; dlq: TopicKey }> = {
  pings: { topic: 'driverLocationsRaw', dlq: 'driverLocationsDlq' },
  requests: { topic: 'rideRequestsRaw', dlq: 'rideRequestsDlq' },
  payments: { topic: 'paymentsRaw', dlq: 'paymentsDlq' },
};
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let pipeline: IsolatedPipeline;
let k: ReturnType<typeof testKafka>;

beforeAll(async () => {
  broker = await startTestBroker();
  k = testKafka(broker.brokers);
  pipeline = await isolatedPipeline({ brokers: broker.brokers, jobs: ['driversPositions', 'surge', 'fraud', 'kpis'], settings: defaultPipelineSettings, heap: '1280m' });
}, 300_000);

afterAll(async () => {
  await pipeline?.stop();
  await k?.close();
  await broker?.stop();
});

describe('fuzzed raw records', () => {
  it('100,000 records: jobs keep running, every bad record quarantined once with a reason, every good one passed on', async () => {
    const t0 = Date.now() - 60 * 60_000;
    const records = fuzzedRecords(COUNT, 20261130, (i) => t0 + i);
    // Offsets are known in advance: each partition of these fresh topics is written by this producer alone.
    const next = new Map<string, number>();
    const bad = new Map<RawKind, Set<string>>(Object.keys(raw).map((kind) => [kind as RawKind, new Set<string>()]));
    const indexAt = new Map<string, number>();
    const messages = records.map((r, i) => {
      const partition = i % PARTITIONS;
      const topic = pipeline.topic(raw[r.kind].topic);
      const offset = next.get(`${topic}/${partition}`) ?? 0;
      next.set(`${topic}/${partition}`, offset + 1);
      if (!r.good) bad.get(r.kind)!.add(`${partition}/${offset}`);
      indexAt.set(`${r.kind}/${partition}/${offset}`, i);
      return { topic, message: { partition, key: null, value: r.value, timestamp: String(t0 + i) } };
    });
    // Late records: valid, dated ten minutes before the run, written after it on every partition.
    // Each must be reported late exactly once (pings and ride requests on late.events by surge,
    // payments on dlq.payments by fraud) and count in no KPI.
    const lateTs = t0 - 10 * 60_000;
    const lateBodies: Record<RawKind, (i: number) => object> = {
      pings: (i) => ({ driverId: `late-${i}`, lat: 12.97, lon: 77.59, status: 'idle', ts: lateTs - i }),
      requests: (i) => ({ requestId: `late-${i}`, riderId: `late-${i}`, lat: 12.97, lon: 77.59, ts: lateTs - i }),
      payments: (i) => ({
        paymentId: `late-${i}`, cardNumber: '4000056655665556', cardCountry: 'IN', merchant: 'late', kind: 'trip', amount: 5,
        currency: 'INR', deviceId: 'late', ipLat: 12.97, ipLon: 77.59, riderId: `late-${i}`, ts: lateTs - i,
      }),
    };
    const lateAt = new Map<RawKind, Set<string>>(Object.keys(raw).map((kind) => [kind as RawKind, new Set<string>()]));
    for (const kind of Object.keys(raw) as RawKind[]) {
      for (let i = 0; i < LATE_PER_TOPIC; i++) {
        const partition = i % PARTITIONS;
        const topic = pipeline.topic(raw[kind].topic);
        const offset = next.get(`${topic}/${partition}`) ?? 0;
        next.set(`${topic}/${partition}`, offset + 1);
        lateAt.get(kind)!.add(`${partition}/${offset}`);
        // The fraud job dead-letters a late payment (reason "late: …"): expected there.
        if (kind === 'payments') bad.get(kind)!.add(`${partition}/${offset}`);
        messages.push({ topic, message: { partition, key: null, value: Buffer.from(JSON.stringify(lateBodies[kind](i))), timestamp: String(lateTs - i) } });
      }
    }
    // One valid record per partition two minutes on moves every watermark past every fuzzed
    // minute, so that its KPI window closes; the flush minute itself is not compared.
    const flushTs = t0 + COUNT + 2 * 60_000;
    const flushBodies: Record<RawKind, (p: number) => object> = {
      pings: (p) => ({ driverId: `flush-${p}`, lat: 12.97, lon: 77.59, status: 'offline', ts: flushTs }),
      requests: (p) => ({ requestId: `flush-${p}`, riderId: `flush-${p}`, lat: 12.97, lon: 77.59, ts: flushTs }),
      payments: (p) => ({
        paymentId: `flush-${p}`, cardNumber: '4111111111111111', cardCountry: 'IN', merchant: 'flush', kind: 'trip', amount: 1,
        currency: 'INR', deviceId: 'flush', ipLat: 12.97, ipLon: 77.59, riderId: `flush-${p}`, ts: flushTs,
      }),
    };
    for (const kind of Object.keys(raw) as RawKind[]) {
      for (let partition = 0; partition < PARTITIONS; partition++) {
        messages.push({ topic: pipeline.topic(raw[kind].topic), message: { partition, key: null, value: Buffer.from(JSON.stringify(flushBodies[kind](partition))), timestamp: String(flushTs) } });
      }
    }
    const producer = k.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const started = Date.now();
    for (let i = 0; i < messages.length; i += 5000) {
      const byTopic = new Map<string, (typeof messages)[number]['message'][]>();
      for (const { topic, message } of messages.slice(i, i + 5000)) {
        const list = byTopic.get(topic);
        if (list) list.push(message);
        else byTopic.set(topic, [message]);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })) });
    }
    await producer.disconnect();
    const producedIn = Date.now() - started;
    // The jobs start on the backlog, every partition in event-time order: only the records written
    // late are late, and only the checks decide the rest.
    await pipeline.start();
    await pipeline.running(180_000);

    const outcome = await Promise.all(
      (Object.keys(raw) as RawKind[]).map(async (kind) => {
        const want = bad.get(kind)!;
        const dlq = await k.readUntil(pipeline.topic(raw[kind].dlq), (all) => all.length >= want.size, 240_000, true);
        const seen = new Map<string, number>();
        const reasons = new Map<string, number>();
        const reasonAt = new Map<string, string>();
        for (const m of dlq) {
          const at = `${header(m, deadLetterHeaders.sourcePartition)}/${header(m, deadLetterHeaders.sourceOffset)}`;
          seen.set(at, (seen.get(at) ?? 0) + 1);
          const reason = header(m, deadLetterHeaders.reason) ?? '(none)';
          reasonAt.set(at, reason);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
        const lateNotSaidLate = [...lateAt.get(kind)!].filter((at) => want.has(at) && !reasonAt.get(at)?.startsWith('late'));
        const missed = [...want].filter((at) => !seen.has(at));
        const wronglyQuarantined = [...seen.keys()].filter((at) => !want.has(at));
        const twice = [...seen.values()].filter((n) => n > 1).length;
        return { kind, injected: want.size, quarantined: dlq.length, missed, wronglyQuarantined, twice, reasons, lateNotSaidLate };
      }),
    );
    // Every good ping ends as its driver's position: one key per driver (the flush pings' too).
    const goodDrivers = new Set(records.filter((r) => r.kind === 'pings' && r.good).map((r) => asFlinkHoldsIt((JSON.parse(r.value.toString()) as { driverId: string }).driverId)));
    for (let p = 0; p < PARTITIONS; p++) goodDrivers.add(`flush-${p}`);

    // KPIs per minute of the fuzzed run, recomputed from the good records only. Random ids repeat:
    // a payment id counts once, with the largest of its amounts.
    const expectedKpis = new Map<number, { requests: Set<string>; active: Set<string>; onTrip: Set<string>; payments: Map<string, number> }>();
    for (const r of records.filter((x) => x.good)) {
      const body = JSON.parse(r.value.toString('utf8')) as Record<string, unknown>;
      const minute = Math.floor((body.ts as number) / 60_000) * 60_000;
      let m = expectedKpis.get(minute);
      if (!m) expectedKpis.set(minute, (m = { requests: new Set(), active: new Set(), onTrip: new Set(), payments: new Map() }));
      if (r.kind === 'requests') m.requests.add(asFlinkHoldsIt(body.requestId as string));
      if (r.kind === 'pings' && body.status !== 'offline') m.active.add(asFlinkHoldsIt(body.driverId as string));
      if (r.kind === 'pings' && body.status === 'on_trip') m.onTrip.add(asFlinkHoldsIt(body.driverId as string));
      if (r.kind === 'payments') {
        const id = asFlinkHoldsIt(body.paymentId as string);
        m.payments.set(id, Math.max(m.payments.get(id) ?? 0, body.amount as number));
      }
    }
    // Late pings and requests on late.events, each once; nothing else there.
    const lateWanted = new Set((['pings', 'requests'] as const).flatMap((kind) => [...lateAt.get(kind)!].map((at) => `${pipeline.topic(raw[kind].topic)}/${at}`)));
    const lateRecords = await k.readUntil(pipeline.topic('lateEvents'), (all) => all.length >= lateWanted.size, 120_000, true);
    const lateSeen = new Map<string, number>();
    for (const m of lateRecords) {
      const at = `${header(m, lateEventHeaders.sourceTopic)}/${header(m, lateEventHeaders.sourcePartition)}/${header(m, lateEventHeaders.sourceOffset)}`;
      lateSeen.set(at, (lateSeen.get(at) ?? 0) + 1);
    }
    const late = {
      missing: [...lateWanted].filter((at) => !lateSeen.has(at)).length,
      extra: [...lateSeen.keys()].filter((at) => !lateWanted.has(at)).length,
      twice: [...lateSeen.values()].filter((n) => n > 1).length,
    };

    const kpiRows = await k.readUntil(pipeline.topic('opsKpis'), (all) => [...expectedKpis.keys()].every((start) => all.some((m) => OpsKpis.parse(JSON.parse(m.value!.toString())).windowStart === start)), 240_000, true);
    const kpis = new Map(kpiRows.map((m) => OpsKpis.parse(JSON.parse(m.value!.toString()))).map((row) => [row.windowStart, row]));
    const volumeOf = (e: { payments: Map<string, number> }): number => [...e.payments.values()].reduce((a, b) => a + b, 0);
    const repeatedPayments = records.filter((r) => r.kind === 'payments' && r.good).length - [...expectedKpis.values()].reduce((n, e) => n + e.payments.size, 0);
    const kpiDiffs = [...expectedKpis].flatMap(([start, e]) => {
      const got = kpis.get(start);
      const volume = volumeOf(e);
      const want = { requests: e.requests.size, activeDrivers: e.active.size, driversOnTrip: e.onTrip.size, payments: e.payments.size };
      const same = got && Object.entries(want).every(([f, v]) => got[f as keyof typeof want] === v) && Math.abs(got.paymentVolume - volume) <= 1e-9 * Math.max(1, volume);
      return same ? [] : [`minute ${new Date(start).toISOString()}: want ${JSON.stringify({ ...want, paymentVolume: volume })}, got ${JSON.stringify(got ?? null)}`];
    });
    // By the driver id in the value: Flink writes the key as UTF-8 from Java, where an id's lone
    // surrogate becomes '?' (the value's JSON escapes it), so keys can differ from ids.
    const driverOf = (m: { value: Buffer | null }): string => (JSON.parse(m.value!.toString('utf8')) as { driverId: string }).driverId;
    const positions = await k.readUntil(pipeline.topic('driversPositions'), (all) => new Set(all.map(driverOf)).size >= goodDrivers.size, 240_000, true);
    const positionKeys = new Set(positions.map(driverOf));

    const sampleOf = (kind: RawKind, ats: string[]) =>
      ats.slice(0, 3).map((at) => {
        const r = records[indexAt.get(`${kind}/${at}`) ?? -1];
        return `${r?.how}: ${r?.value.toString('utf8').slice(0, 160)}`;
      });
    for (const o of outcome) {
      console.log(
        `[faults] ${o.kind}: ${o.injected} bad injected, ${o.quarantined} quarantined (${o.missed.length} missed, ${o.wronglyQuarantined.length} good ones quarantined, ${o.twice} twice); reasons ${[...o.reasons].map(([r, n]) => `${n}× ${r}`).join(', ')}`,
      );
      if (o.missed.length > 0) console.log(`  missed e.g. ${sampleOf(o.kind, o.missed).join('\n    ')}`);
      if (o.wronglyQuarantined.length > 0) console.log(`  wrongly e.g. ${sampleOf(o.kind, o.wronglyQuarantined).join('\n    ')}`);
    }
    const { restarts: restartCount } = await pipeline.health();
    console.log(
      `[faults] ${COUNT.toLocaleString('en-US')} fuzzed records produced in ${(producedIn / 1000).toFixed(1)} s; ${[...bad.values()].reduce((n, s) => n + s.size, 0)} bad; ` +
        `${positionKeys.size} of ${goodDrivers.size} good drivers positioned; late: ${lateWanted.size} pings and requests sent late, on late.events ${lateRecords.length} (${late.missing} missing, ${late.extra} extra, ${late.twice} twice), ` +
        `${LATE_PER_TOPIC} payments sent late, ${LATE_PER_TOPIC - (outcome.find((o) => o.kind === 'payments')?.lateNotSaidLate.length ?? 0)} dead-lettered as late; KPIs: ${expectedKpis.size} minutes compared, ${kpiDiffs.length} differ ` +
        `(${[...expectedKpis.values()].map((e) => `${e.payments.size} payments, ₹${Math.round(volumeOf(e)).toLocaleString('en-IN')}`).join('; ')}; ${repeatedPayments} good payments repeat an id of their minute); Flink restarts ${restartCount}`,
    );
    for (const d of kpiDiffs) console.log(`  KPI ${d}`);
    expect(restartCount).toBe(0);
    for (const o of outcome) {
      expect({ kind: o.kind, missed: o.missed.length, wrong: o.wronglyQuarantined.length, twice: o.twice }).toEqual({ kind: o.kind, missed: 0, wrong: 0, twice: 0 });
      expect(o.quarantined).toBe(o.injected);
      expect(o.reasons.has('(none)')).toBe(false);
    }
    expect([...goodDrivers].filter((d) => !positionKeys.has(d))).toEqual([]);
    // A late ping's driver may or may not get a position (it is late for that job too); no other one may appear.
    expect([...positionKeys].filter((d) => !goodDrivers.has(d) && !d.startsWith('late-'))).toEqual([]);
    expect(late).toEqual({ missing: 0, extra: 0, twice: 0 });
    for (const o of outcome) expect(o.lateNotSaidLate).toEqual([]);
    expect(kpiDiffs).toEqual([]);
    // The feed holds repeated payment ids, or the volume's once-per-id rule went untested.
    expect(repeatedPayments).toBeGreaterThan(0);
  }, 900_000);
});
