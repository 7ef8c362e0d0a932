import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultPipelineSettings } from '../../lib/pipeline-jobs';
import { SurgeCell } from '../../lib/schemas/surge-cell';
import type { SurgeSettings } from '../../lib/surge';
import { deadLetterHeaders, lateEventHeaders } from '../../lib/topics';
import { flushRecords, simulatedCity, producePaced, type Outgoing } from '../verify/simulated-city';
import { recomputeSurge, surgeWindowKey, type RawRecord } from '../verify/surge-oracle';
import { runningPipeline, type IsolatedPipeline } from './isolated-flink';
import { header, testKafka, type ReadMessage } from './kafka-test-client';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/**
 * The surge job against an oracle: minutes of simulated city (drivers and riders) go into
 * fresh raw topics shuffled within the allowed lateness, with malformed records and a few
 * events far behind the watermark; every window the job commits must equal the offline
 * recomputation from the raw topics, and every window the oracle finds must be committed.
 */

const settings: SurgeSettings = { h3Resolution: 8, windowMs: 20_000, slideMs: 5_000, latenessMs: 5_000, minDemand: 3 };
const DURATION_MS = 5 * 60_000;
const LATE_EVENTS = 20;

const brokers = inject('brokers').split(',');
const k = testKafka(brokers, kafkaAuth.admin);
let pipeline: IsolatedPipeline;

beforeAll(async () => {
  // The KPI job reads the same raw topics: with it running, late.events must still hold each late record once.
  pipeline = await runningPipeline({ brokers, security: kafkaAuth.admin, jobs: ['surge', 'kpis'], settings: { ...defaultPipelineSettings, surge: settings } });
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  await k.close();
});

/** The simulated run, shuffled within the lateness, plus events far behind it and a flush. */
function simulatedRun(t0: number): { outgoing: Outgoing[]; flushTs: number; badRequests: number } {
  const pings = pipeline.topic('driverLocationsRaw');
  const requests = pipeline.topic('rideRequestsRaw');
  // A third of the events are held back by up to the lateness less a safety margin.
  const { outgoing, malformed } = simulatedCity({
    t0,
    durationMs: DURATION_MS,
    seed: 4242,
    topics: { pings, requests },
    delayedShare: 0.3,
    maxDelayMs: settings.latenessMs - 1500,
    malformedShare: 0.01,
  });
  // Far behind the watermark: sent in the last minute with event times a minute older.
  for (let i = 0; i < LATE_EVENTS; i++) {
    const sendAt = t0 + DURATION_MS - 60_000 + i * 2000;
    const ts = sendAt - 60_000;
    const late = { requestId: `late-${i}`, riderId: `rdr-late-${i}`, lat: 12.9788, lon: 77.5996, ts };
    const at = outgoing.findIndex((o) => o.sendAt > sendAt);
    outgoing.splice(at, 0, { topic: requests, message: { key: late.riderId, value: JSON.stringify(late), timestamp: String(ts) }, sendAt });
  }
  // One event per partition well past the end moves every partition's watermark past every
  // real window; the windows holding these never close and are not compared.
  const flushTs = t0 + DURATION_MS + 60_000;
  outgoing.push(...flushRecords(pings, requests, flushTs));
  // Oversized and wrong-typed requests: quarantined like any other bad record.
  const mid = t0 + DURATION_MS / 2;
  const oversized = { requestId: 'x'.repeat(300_000), riderId: 'rdr-big', lat: 12.97, lon: 77.59, ts: mid };
  const wrongTyped = { requestId: 'req-typed', riderId: 42, lat: [12.97], lon: { deg: 77.59 }, ts: 'noon' };
  const bad = [oversized, wrongTyped, 'x'.repeat(400_000)].map((v): Outgoing => ({
    topic: requests,
    message: { key: 'rdr-bad', value: typeof v === 'string' ? v : JSON.stringify(v), timestamp: String(mid) },
    sendAt: mid,
  }));
  outgoing.splice(outgoing.findIndex((o) => o.sendAt > mid), 0, ...bad);
  return { outgoing, flushTs, badRequests: malformed.requests + bad.length };
}

const coordinates = (topic: string, m: ReadMessage): string => `${topic}/${m.partition}/${m.offset}`;

describe('surge job against the offline oracle', () => {
  it('commits every window exactly as recomputed from the raw topics, late events aside', async () => {
    const t0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
    const { outgoing, flushTs, badRequests } = simulatedRun(t0);
    const perTopic = (key: 'driverLocationsRaw' | 'rideRequestsRaw') => outgoing.filter((o) => o.topic === pipeline.topic(key)).length;
    const producer = k.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producePaced(producer, outgoing, 8);
    await producer.disconnect();

    // The oracle reads what the broker holds, not what the test meant to send.
    const [rawPings, rawRequests] = await Promise.all([
      k.readUntil(pipeline.topic('driverLocationsRaw'), (all) => all.length >= perTopic('driverLocationsRaw')),
      k.readUntil(pipeline.topic('rideRequestsRaw'), (all) => all.length >= perTopic('rideRequestsRaw')),
    ]);
    const lateTopic = pipeline.topic('lateEvents');
    const toRaw = (kind: RawRecord['kind']) => (m: ReadMessage): RawRecord => ({ kind, value: m.value, timestamp: Number(m.timestamp) });
    const compared = (w: { windowEnd: number }) => w.windowEnd <= flushTs;

    // Once the job's group has committed every raw partition to its end, a checkpoint completed
    // after it read everything; the watermark that closes the last windows follows its last
    // record within a watermark interval, so two more checkpoints and every window is committed.
    const surgeTopic = pipeline.topic('surgeCells');
    await k.groupCaughtUp(pipeline.group('surge'), [pipeline.topic('driverLocationsRaw'), pipeline.topic('rideRequestsRaw')], 180_000);
    await pipeline.checkpointsAfterNow(2);
    const committed = await k.readToEnd(surgeTopic);

    // The oracle leaves out exactly what the job declared late.
    const n = await k.endOffsets(lateTopic);
    const late = n === 0 ? [] : await k.readUntil(lateTopic, (all) => all.length >= n);
    const lateAt = new Set(late.map((m) => `${header(m, lateEventHeaders.sourceTopic)}/${header(m, lateEventHeaders.sourcePartition)}/${header(m, lateEventHeaders.sourceOffset)}`));
    const onTime = (topic: string) => (m: ReadMessage) => !lateAt.has(coordinates(topic, m));
    const raw: RawRecord[] = [
      ...rawPings.filter(onTime(pipeline.topic('driverLocationsRaw'))).map(toRaw('ping')),
      ...rawRequests.filter(onTime(pipeline.topic('rideRequestsRaw'))).map(toRaw('request')),
    ];
    const expected = new Map([...recomputeSurge(raw, settings)].filter(([, w]) => compared(w)));

    const actual = new Map<string, SurgeCell>();
    let duplicates = 0;
    for (const m of committed) {
      const cell = SurgeCell.parse(JSON.parse(m.value!.toString('utf8')));
      if (!compared(cell)) continue;
      const key = surgeWindowKey(cell.cell, cell.windowStart);
      if (actual.has(key)) duplicates++;
      actual.set(key, cell);
    }

    const differing = [...expected].filter(([key, w]) => JSON.stringify(actual.get(key)) !== JSON.stringify(w));
    const missing = [...expected.keys()].filter((key) => !actual.has(key));
    if (missing.length > 0) {
      const ends = missing.map((key) => expected.get(key)!.windowEnd - t0);
      console.log(`[surge oracle] ${missing.length} windows missing, ends ${Math.min(...ends)}..${Math.max(...ends)} ms after t0; e.g.`, JSON.stringify(missing.slice(0, 8).map((key) => expected.get(key))));
      console.log('[surge oracle] differing e.g.', JSON.stringify(differing.filter(([key]) => actual.has(key)).slice(0, 8).map(([key, w]) => [w, actual.get(key)])));
    }
    const extra = [...actual.keys()].filter((key) => !expected.has(key));
    const surging = [...expected.values()].filter((w) => w.multiplier > 1).length;
    console.log(
      `[surge oracle] ${raw.length} raw events over ${DURATION_MS / 60_000} min, ${expected.size} windows compared ` +
        `(${surging} surging), ${differing.length} differ, ${extra.length} extra, ${duplicates} duplicates, ${late.length} set aside as late (${LATE_EVENTS} sent late)`,
    );
    expect(expected.size).toBeGreaterThan(1000);
    expect(surging).toBeGreaterThan(50);
    expect(missing.length).toBe(0);
    expect(differing.slice(0, 3)).toEqual([]);
    expect(extra).toEqual([]);
    expect(duplicates).toBe(0);
    // Every event sent far behind the watermark was set aside as late, not dropped.
    const lateIds = new Set(late.map((m) => (JSON.parse(m.value!.toString()) as { requestId?: string }).requestId));
    expect(Array.from({ length: LATE_EVENTS }, (_, i) => `late-${i}`).filter((id) => !lateIds.has(id))).toEqual([]);
    // ...once each (only surge routes late pings and requests), and nothing that was only
    // shuffled within the allowed lateness.
    expect(late.length).toBe(LATE_EVENTS);
    // Every malformed, wrong-typed or oversized request is in the dead-letter topic, with a reason.
    const dlq = await k.readUntil(pipeline.topic('rideRequestsDlq'), (all) => all.length >= badRequests, 60_000, true);
    const reasons = new Map<string, number>();
    for (const m of dlq) reasons.set(header(m, deadLetterHeaders.reason) ?? '(none)', (reasons.get(header(m, deadLetterHeaders.reason) ?? '(none)') ?? 0) + 1);
    console.log(`[surge oracle] ${dlq.length} dead letters for ${badRequests} bad requests:`, JSON.stringify([...reasons]));
    expect(dlq.length).toBe(badRequests);
    expect(reasons.has('(none)')).toBe(false);
    expect(dlq.some((m) => m.value!.length >= 400_000)).toBe(true);
  }, 400_000);
});
