import type { Message, Producer } from 'kafkajs';
import { bengaluru } from '../../lib/city';
import { seededRandom } from '../../lib/random';
import type { FraudCase } from '../../lib/schemas/fraud-case';
import { DemandModel } from '../simulator/demand';
import { reportingDrivers } from '../simulator/emission-schedule';
import { Fleet } from '../simulator/fleet';
import { PaymentModel } from '../simulator/payments';
import { malformedKinds, malformedPaymentKinds, malformedPayload, malformedRequestKinds } from '../simulator/record-faults';

/**
 * A simulated stretch of the city as records ready to produce: driver pings, ride requests
 * and (optionally) payments with injected fraud, in send order. Deterministic for its seed,
 * so tests can feed two pipelines, or a pipeline and an oracle, the very same input.
 */

export interface Outgoing {
  readonly topic: string;
  readonly message: Message;
  /** When it is sent, in event time: its timestamp plus any delay it was given. */
  readonly sendAt: number;
}

export interface CityRunOptions {
  readonly t0: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly topics: { readonly pings: string; readonly requests: string; readonly payments?: string };
  readonly drivers?: number;
  readonly requestsPerSecond?: number;
  readonly paymentsPerSecond?: number;
  readonly fraudCasesPerMinute?: number;
  /** Share of events held back, and the most they are held back by. */
  readonly delayedShare?: number;
  readonly maxDelayMs?: number;
  /** Share of events replaced by a malformed record. */
  readonly malformedShare?: number;
}

export function simulatedCity(o: CityRunOptions): { outgoing: Outgoing[]; cases: FraudCase[]; malformed: Record<'pings' | 'requests' | 'payments', number> } {
  const stepMs = 250;
  const fleet = new Fleet({ city: bengaluru, drivers: o.drivers ?? 300, seed: o.seed });
  const demand = new DemandModel({ city: bengaluru, seed: o.seed, requestsPerSecond: o.requestsPerSecond ?? 12, riders: 3000 });
  const paymentsPerSecond = o.paymentsPerSecond ?? 10;
  const payments = o.topics.payments
    ? new PaymentModel({ city: bengaluru, seed: o.seed, paymentsPerSecond, cards: paymentsPerSecond * 300, fraudCasesPerMinute: o.fraudCasesPerMinute ?? 12 })
    : null;
  const rnd = seededRandom(o.seed ^ 0x0c17);
  const outgoing: Outgoing[] = [];
  const cases: FraudCase[] = [];
  const add = (topic: string, key: string, value: Buffer, ts: number): void => {
    const delay = rnd.chance(o.delayedShare ?? 0) ? rnd.between(0, o.maxDelayMs ?? 0) : 0;
    outgoing.push({ topic, message: { key, value, timestamp: String(ts) }, sendAt: ts + delay });
  };
  const malformed = { pings: 0, requests: 0, payments: 0 };
  const broken = (kind: keyof typeof malformed): boolean => {
    const bad = rnd.chance(o.malformedShare ?? 0);
    if (bad) malformed[kind]++;
    return bad;
  };
  for (let t = stepMs; t <= o.durationMs; t += stepMs) {
    const ts = o.t0 + t;
    fleet.step(stepMs);
    for (const i of reportingDrivers(fleet.drivers.length, 2000, t - stepMs, t)) {
      const loc = fleet.location(fleet.drivers[i]!, ts);
      add(o.topics.pings, loc.driverId, broken('pings') ? malformedPayload(rnd.pick(malformedKinds), loc, 'driverId') : Buffer.from(JSON.stringify(loc)), ts);
    }
    for (const r of demand.step(stepMs, ts)) {
      add(o.topics.requests, r.riderId, broken('requests') ? malformedPayload(rnd.pick(malformedRequestKinds), r, 'requestId') : Buffer.from(JSON.stringify(r)), ts);
    }
    if (payments && o.topics.payments) {
      const out = payments.step(stepMs, ts);
      cases.push(...out.cases);
      for (const p of out.payments) {
        add(o.topics.payments, p.riderId, Buffer.from(JSON.stringify(p)), ts);
        // Garbage beside a payment, never instead of it, so that no fraud case loses evidence.
        if (broken('payments')) add(o.topics.payments, p.riderId, malformedPayload(rnd.pick(malformedPaymentKinds), p, 'paymentId'), ts);
      }
    }
  }
  outgoing.sort((a, b) => a.sendAt - b.sendAt);
  return { outgoing, cases, malformed };
}

/**
 * Sends records in send order at `speedup` times real time, as a live city would (only
 * faster), so jobs read a live stream rather than a backlog.
 */
export async function producePaced(producer: Producer, outgoing: readonly Outgoing[], speedup: number): Promise<void> {
  if (outgoing.length === 0) return;
  const first = outgoing[0]!.sendAt;
  const started = Date.now();
  for (let i = 0; i < outgoing.length; ) {
    const dueBy = first + (Date.now() - started + 250) * speedup;
    let j = i;
    // A producer that fell behind (a broker outage) catches up in requests the broker accepts.
    while (j < outgoing.length && j - i < 2000 && outgoing[j]!.sendAt <= dueBy) j++;
    if (j === i) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of outgoing.slice(i, j)) {
      const list = byTopic.get(topic);
      if (list) list.push(message);
      else byTopic.set(topic, [message]);
    }
    i = j;
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }
}

/**
 * One event per partition of each topic at `ts`: moves every partition's watermark there, so
 * every window ending before it closes. The windows holding these never close themselves.
 */
export function flushRecords(pings: string, requests: string, ts: number, partitions = 4): Outgoing[] {
  const out: Outgoing[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const id = `flush-${partition}`;
    const ping = { driverId: id, lat: 12.97, lon: 77.59, status: 'idle', ts };
    const request = { requestId: id, riderId: id, lat: 12.97, lon: 77.59, ts };
    out.push({ topic: pings, message: { partition, key: id, value: JSON.stringify(ping), timestamp: String(ts) }, sendAt: ts });
    out.push({ topic: requests, message: { partition, key: id, value: JSON.stringify(request), timestamp: String(ts) }, sendAt: ts });
  }
  return out;
}

/** One valid payment per partition at `ts`: closes the payment rules' event time up to it. */
export function flushPayments(topic: string, ts: number, partitions = 4): Outgoing[] {
  return Array.from({ length: partitions }, (_, partition) => {
    const p = {
      paymentId: `flush-${partition}`, cardNumber: '4111111111111111', cardCountry: 'IN', merchant: 'flush', kind: 'trip',
      amount: 1, currency: 'INR', deviceId: 'flush', ipLat: 12.97, ipLon: 77.59, riderId: `flush-${partition}`, ts,
    };
    return { topic, message: { partition, key: p.riderId, value: JSON.stringify(p), timestamp: String(ts) }, sendAt: ts };
  });
}
