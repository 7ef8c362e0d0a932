import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { defaultPipelineSettings } from '../../lib/pipeline-jobs';
import { MarketplaceKpis } from '../../lib/schemas/marketplace-kpis';
import { recordVerdict } from '../../lib/schemas/record-checks';
import { TripEvent } from '../../lib/schemas/trip-event';
import { seededRandom } from '../../lib/random';
import { deadLetterHeaders, lateEventHeaders } from '../../lib/topics';
import { Marketplace, requestsPerDriverSecond, tripEventOf } from '../simulator/marketplace';
import { malformedPayload, malformedTripKinds } from '../simulator/record-faults';
import { recomputeMarketplace } from '../verify/marketplace-oracle';
import { producePaced, type Outgoing } from '../verify/simulated-city';
import { runningPipeline, type IsolatedPipeline } from './isolated-flink';
import { header, testKafka, type ReadMessage } from './kafka-test-client';

const kafkaAuth = inject('kafkaAuth');

/**
 * The KPI job's marketplace minutes against an oracle: eight minutes of the closed-loop city's
 * trip events (the default fleet, a stadium let-out in it) go into fresh topics shuffled within
 * the allowed lateness, some sent twice, some broken, some far behind the watermark. Every
 * minute marketplace.kpis commits must equal the offline recomputation, each broken record is
 * dead-lettered once with a reason, each late one set aside once.
 */
const DRIVERS = 3_000;
const MINUTES = 8;
const LATE_EVENTS = 10;
const PARTITIONS = 4;
const lateness = defaultPipelineSettings.surge.latenessMs;

const brokers = inject('brokers').split(',');
const k = testKafka(brokers, kafkaAuth.admin);
let pipeline: IsolatedPipeline;

beforeAll(async () => {
  pipeline = await runningPipeline({ brokers, security: kafkaAuth.admin, jobs: ['kpis'], settings: defaultPipelineSettings });
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  await k.close();
});

function tripRun(t0: number): { outgoing: Outgoing[]; flushTs: number; broken: number; twice: number } {
  const topic = pipeline.topic('tripEventsRaw');
  const city = new Marketplace({ city: bengaluru, drivers: DRIVERS, seed: 777, requestsPerSecond: DRIVERS * requestsPerDriverSecond });
  const rnd = seededRandom(0x7e57);
  const outgoing: Outgoing[] = [];
  const send = (key: string, value: Buffer | string, ts: number, sendAt: number) => outgoing.push({ topic, message: { key, value, timestamp: String(ts) }, sendAt });
  let broken = 0;
  let twice = 0;
  for (let s = 1; s <= MINUTES * 60; s++) {
    const ts = t0 + s * 1000;
    for (const step of city.step(1000, ts).events) {
      const event = tripEventOf(step, ts);
      // Held back within the lateness (less a margin for the pacing), as a slow network would.
      const sendAt = ts + (rnd.chance(0.3) ? rnd.between(0, lateness - 1500) : 0);
      if (rnd.chance(0.01)) {
        broken++;
        send(event.requestId, malformedPayload(rnd.pick(malformedTripKinds), event, 'eventId'), ts, sendAt);
        continue;
      }
      send(event.requestId, JSON.stringify(event), ts, sendAt);
      if (rnd.chance(0.03)) {
        twice++;
        send(event.requestId, JSON.stringify(event), ts, sendAt + rnd.between(0, 1000));
      }
    }
  }
  // Breaking the schema where only it can tell: an unknown kind, a negative wait, an id too long.
  const mid = t0 + (MINUTES / 2) * 60_000;
  for (const bad of [
    { eventId: 'r-x:teleported', kind: 'teleported', requestId: 'r-x', ts: mid },
    { eventId: 'r-y:started', kind: 'started', requestId: 'r-y', waitMs: -5, ts: mid },
    { eventId: 'e'.repeat(300_000), kind: 'completed', requestId: 'r-z', ts: mid },
  ]) {
    broken++;
    send(bad.requestId, JSON.stringify(bad), mid, mid);
  }
  // Far behind the watermark: sent in the last minute, dated a minute earlier.
  for (let i = 0; i < LATE_EVENTS; i++) {
    const sendAt = t0 + MINUTES * 60_000 - 60_000 + i * 3000;
    const late: TripEvent = { eventId: `late-${i}:completed`, kind: 'completed', requestId: `late-${i}`, driverId: 'drv-late', ts: sendAt - 60_000 };
    send(late.requestId, JSON.stringify(late), late.ts, sendAt);
  }
  outgoing.sort((a, b) => a.sendAt - b.sendAt);
  // One event per partition well past the end closes every minute before it.
  const flushTs = t0 + (MINUTES + 2) * 60_000;
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const flush: TripEvent = { eventId: `flush-${partition}:completed`, kind: 'completed', requestId: `flush-${partition}`, ts: flushTs };
    outgoing.push({ topic, message: { partition, key: flush.requestId, value: JSON.stringify(flush), timestamp: String(flushTs) }, sendAt: flushTs });
  }
  return { outgoing, flushTs, broken, twice };
}

const at = (m: ReadMessage, topic: string) => `${topic}/${m.partition}/${m.offset}`;

describe('marketplace KPIs against the offline oracle', () => {
  it('commits every minute exactly as recomputed from raw.trip-events, each step once, broken ones dead-lettered, late ones set aside', async () => {
    const t0 = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;
    const { outgoing, flushTs, broken, twice } = tripRun(t0);
    const topic = pipeline.topic('tripEventsRaw');
    const producer = k.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producePaced(producer, outgoing, 8);
    await producer.disconnect();

    const raw = await k.readUntil(topic, (all) => all.length >= outgoing.length);
    await k.groupCaughtUp(pipeline.group('kpis'), [topic], 180_000);
    await pipeline.checkpointsAfterNow(2);
    const committed = (await k.readToEnd(pipeline.topic('marketplaceKpis'))).map((m) => MarketplaceKpis.parse(JSON.parse(m.value!.toString('utf8'))));

    const lateTopic = pipeline.topic('lateEvents');
    const lateN = await k.endOffsets(lateTopic);
    const late = lateN === 0 ? [] : await k.readUntil(lateTopic, (all) => all.length >= lateN);
    const lateAt = new Set(late.map((m) => `${header(m, lateEventHeaders.sourceTopic)}/${header(m, lateEventHeaders.sourcePartition)}/${header(m, lateEventHeaders.sourceOffset)}`));
    const expected = [...recomputeMarketplace(raw.filter((m) => !lateAt.has(at(m, topic))).map((m) => m.value)).values()]
      .filter((m) => m.windowEnd <= flushTs)
      .sort((a, b) => a.windowStart - b.windowStart);

    const byStart = new Map<number, MarketplaceKpis[]>();
    for (const m of committed) byStart.set(m.windowStart, [...(byStart.get(m.windowStart) ?? []), m]);
    const rounded = (m: MarketplaceKpis) => ({ ...m, fulfilment: m.fulfilment?.toFixed(9), pickupEtaP50Ms: m.pickupEtaP50Ms?.toFixed(3), pickupEtaP90Ms: m.pickupEtaP90Ms?.toFixed(3) });
    const differing = expected.filter((m) => JSON.stringify(rounded(byStart.get(m.windowStart)?.[0] ?? m)) !== JSON.stringify(rounded(m)) || !byStart.has(m.windowStart));
    const totals = expected.reduce((t, m) => ({ assigned: t.assigned + m.assigned, unfulfilled: t.unfulfilled + m.unfulfilled, started: t.started + m.tripsStarted }), { assigned: 0, unfulfilled: 0, started: 0 });
    console.log(
      `[marketplace oracle] ${raw.length} trip events (${twice} sent twice, ${broken} broken, ${LATE_EVENTS} late) over ${MINUTES} min: ${expected.length} minutes compared, ` +
        `${differing.length} differ; ${totals.assigned} assigned, ${totals.unfulfilled} gave up, ${totals.started} pickups; e.g. ${JSON.stringify(expected[5])}`,
    );
    if (differing.length > 0) console.log('[marketplace oracle] differing e.g.', JSON.stringify(differing.slice(0, 3).map((m) => [m, byStart.get(m.windowStart)])));
    expect(expected.length).toBeGreaterThanOrEqual(MINUTES);
    expect(totals.unfulfilled).toBeGreaterThan(0);
    expect(differing).toEqual([]);
    // Exactly-once: no minute twice, none the oracle does not have.
    expect([...byStart.values()].filter((ms) => ms.length > 1)).toEqual([]);
    expect(committed.filter((m) => m.windowEnd <= flushTs).length).toBe(expected.length);

    // Each late event set aside once, by the KPI job, and nothing that was only shuffled.
    expect(late.map((m) => header(m, lateEventHeaders.job))).toEqual(Array(LATE_EVENTS).fill('kpis'));
    expect(late.map((m) => (JSON.parse(m.value!.toString()) as TripEvent).eventId).sort()).toEqual(Array.from({ length: LATE_EVENTS }, (_, i) => `late-${i}:completed`).sort());

    // Each broken record dead-lettered once, with a reason; exactly the ones the schema refuses.
    const refused = raw.filter((m) => !recordVerdict(TripEvent, m.value, Date.now()).ok);
    expect(refused.length).toBe(broken);
    const dlq = await k.readUntil(pipeline.topic('tripEventsDlq'), (all) => all.length >= broken, 60_000, true);
    expect(dlq.map((m) => `${header(m, deadLetterHeaders.sourcePartition)}/${header(m, deadLetterHeaders.sourceOffset)}`).sort()).toEqual(refused.map((m) => `${m.partition}/${m.offset}`).sort());
    expect(dlq.every((m) => (header(m, deadLetterHeaders.reason) ?? '').length > 0 && header(m, deadLetterHeaders.job) === 'kpis')).toBe(true);
  }, 400_000);
});
