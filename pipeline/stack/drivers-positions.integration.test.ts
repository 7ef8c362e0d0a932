import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bengaluru } from '../../lib/city';
import { DriverPosition, type DriverLocation } from '../../lib/schemas/driver-location';
import { reasonClassOf } from '../../lib/schemas/record-checks';
import { deadLetterHeaders, topics } from '../../lib/topics';
import { Fleet } from '../simulator/fleet';
import { malformedKinds, malformedPayload, type MalformedKind } from '../simulator/record-faults';
import { Simulator } from '../simulator/simulator';
import { header, testKafka } from './kafka-test-client';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/** Real broker, real Flink job (drivers-positions.sql) started by the integration setup. */
const brokers = inject('brokers').split(',');
const k = testKafka(brokers, kafkaAuth.admin);
const run = Date.now().toString(36);
afterAll(() => k.close());

const parse = (value: Buffer | null) => (value ? DriverPosition.parse(JSON.parse(value.toString('utf8'))) : null);

describe('drivers-positions Flink job', () => {
  it('writes the latest position per driver by event time; a late record never wins', async () => {
    const fleet = new Fleet({ city: bengaluru, drivers: 30, seed: 99 });
    const id = (driverId: string) => `it-${run}-${driverId}`;
    const base = Date.now() - 60_000;
    const sent = new Map<string, DriverLocation>();
    const send = async (loc: DriverLocation) => {
      await k.produce(topics.driverLocationsRaw.name, loc.driverId, JSON.stringify(loc), loc.ts);
    };
    for (let step = 0; step < 3; step++) {
      fleet.step(1000);
      for (const d of fleet.drivers) {
        const loc = { ...fleet.location(d, base + step * 1000), driverId: id(d.id) };
        sent.set(loc.driverId, loc);
        await send(loc);
      }
    }
    // Late: older event time, a position far away. Then one newer record per driver, so its
    // arrival proves the late one before it (same key, same partition) was processed.
    for (const d of fleet.drivers) await send({ ...sent.get(id(d.id))!, lat: 13.1, ts: base - 5_000 });
    fleet.step(1000);
    for (const d of fleet.drivers) {
      const loc = { ...fleet.location(d, base + 3_000), driverId: id(d.id) };
      sent.set(loc.driverId, loc);
      await send(loc);
    }

    const mine = (m: { key: Buffer | null }) => m.key?.toString().startsWith(`it-${run}-`) ?? false;
    const out = await k.readUntil(topics.driversPositions.name, (all) => {
      const finals = all.filter(mine).map((m) => parse(m.value)).filter((p) => p?.ts === base + 3_000);
      return new Set(finals.map((p) => p!.driverId)).size === fleet.drivers.length;
    });

    const byDriver = new Map<string, DriverPosition[]>();
    for (const m of out.filter(mine)) {
      const p = parse(m.value)!;
      expect(m.key!.toString()).toBe(p.driverId);
      byDriver.set(p.driverId, [...(byDriver.get(p.driverId) ?? []), p]);
    }
    for (const [driverId, positions] of byDriver) {
      expect(positions.map((p) => p.ts)).not.toContain(base - 5_000);
      const tss = positions.map((p) => p.ts);
      expect(tss).toEqual([...tss].sort((a, b) => a - b));
      expect(positions.at(-1)).toEqual(sent.get(driverId));
    }
  });

  it("orders by the body's ts: a record stamped newer but dated older never overwrites a newer position, so the topic holds only newer positions", async () => {
    const driverId = `it-${run}-clock`;
    const base = Date.now() - 60_000;
    const at = (ts: number, lat: number): DriverLocation => ({ driverId, lat, lon: 77.6, status: 'idle', headingDeg: 0, speedKmh: 0, ts });
    // Newest first by body; the older bodies carry newer record timestamps (a producer's clock, a replay).
    await k.produce(topics.driverLocationsRaw.name, driverId, JSON.stringify(at(base + 10_000, 12.9)), base + 10_000);
    for (let i = 1; i <= 5; i++) await k.produce(topics.driverLocationsRaw.name, driverId, JSON.stringify(at(base + i * 1000, 13.5)), base + 20_000 + i * 1000);
    const final = at(base + 30_000, 12.95);
    await k.produce(topics.driverLocationsRaw.name, driverId, JSON.stringify(final), base + 30_000);

    const out = await k.readUntil(topics.driversPositions.name, (all) => all.some((m) => m.key?.toString() === driverId && parse(m.value)?.ts === final.ts));
    const positions = out.filter((m) => m.key?.toString() === driverId).map((m) => parse(m.value)!);
    expect(positions.map((p) => p.lat)).not.toContain(13.5);
    // Only newer bodies were written, so a gateway replaying the topic (it keeps the newest ts
    // per driver, server/driver-view.ts) ends on the newest position whatever it reads.
    expect(positions.map((p) => p.ts)).toEqual([base + 10_000, final.ts]);
  });

  it('quarantines every malformed record with its reason, source and original bytes, and keeps going', async () => {
    // The reason's class (its field, or the record), as zod would name it: lib/schemas/record-checks.
    const expectedClass: Record<MalformedKind, string> = {
      'truncated-json': 'record',
      'not-utf8': 'record',
      'missing-id': 'driverId',
      'lat-not-a-number': 'lat',
      'lat-out-of-range': 'lat',
      'unknown-status': 'status',
      'missing-ts': 'ts',
    };
    const good: DriverLocation = { driverId: `it-${run}-bad`, lat: 12.97, lon: 77.6, status: 'idle', headingDeg: 0, speedKmh: 0, ts: Date.now() };
    const produced = [];
    for (const kind of malformedKinds) {
      const payload = malformedPayload(kind, good, 'driverId');
      const where = await k.produce(topics.driverLocationsRaw.name, `it-${run}-bad-${kind}`, payload, good.ts);
      produced.push({ kind, payload, ...where });
    }
    const after: DriverLocation = { ...good, driverId: `it-${run}-after-bad` };
    await k.produce(topics.driverLocationsRaw.name, after.driverId, JSON.stringify(after), after.ts);

    const source = (m: Parameters<typeof header>[0]) => `${header(m, deadLetterHeaders.sourcePartition)}/${header(m, deadLetterHeaders.sourceOffset)}`;
    const wanted = new Set(produced.map((p) => `${p.partition}/${p.offset}`));
    const dlq = await k.readUntil(topics.driverLocationsDlq.name, (all) => all.filter((m) => wanted.has(source(m))).length >= produced.length);
    for (const p of produced) {
      const m = dlq.find((x) => source(x) === `${p.partition}/${p.offset}`)!;
      expect(reasonClassOf(header(m, deadLetterHeaders.reason) ?? ''), p.kind).toBe(expectedClass[p.kind]);
      expect(header(m, deadLetterHeaders.sourceTopic)).toBe(topics.driverLocationsRaw.name);
      expect(header(m, deadLetterHeaders.job)).toBe('drivers-positions');
      expect(Buffer.compare(m.value!, p.payload), `${p.kind} bytes`).toBe(0);
    }

    const out = await k.readUntil(topics.driversPositions.name, (all) => all.some((m) => m.key?.toString() === after.driverId));
    expect(parse(out.find((m) => m.key?.toString() === after.driverId)!.value)).toEqual(after);
  });

  it('carries the simulator city through: every driver arrives, every malformed record is counted in the DLQ', async () => {
    const dlqBefore = await k.endOffsets(topics.driverLocationsDlq.name);
    const simulator = new Simulator(
      k.kafka,
      { drivers: 120, seed: 2024, intervalMs: 500, tickMs: 100, outOfOrderRatio: 0.1, maxDelayMs: 1500, malformedRatio: 0.05, requestsPerSecond: 0, paymentsPerSecond: 0, fraudCasesPerMinute: 0 },
      pino({ level: 'silent' }),
    );
    await simulator.start();
    await new Promise((r) => setTimeout(r, 4_000));
    await simulator.stop();
    expect(simulator.stats.sent).toBeGreaterThan(800);
    expect(simulator.stats.malformed).toBeGreaterThan(10);

    const ids = new Set(simulator.fleet.drivers.map((d) => d.id));
    await k.readUntil(topics.driversPositions.name, (all) => {
      const seen = new Set(all.map((m) => m.key?.toString()).filter((key) => key !== undefined && ids.has(key)));
      return seen.size === ids.size;
    });
    // Each malformed record lands in the DLQ exactly once: none lost, none counted twice.
    const deadline = Date.now() + 60_000;
    let dlqGrowth = 0;
    while (Date.now() < deadline) {
      dlqGrowth = (await k.endOffsets(topics.driverLocationsDlq.name)) - dlqBefore;
      if (dlqGrowth >= simulator.stats.malformed) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(dlqGrowth).toBe(simulator.stats.malformed);
  });
});
