import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { bengaluru } from '../../lib/city';
import { seededRandom } from '../../lib/random';
import type { Payment } from '../../lib/schemas/payment';
import type { DriverStatus } from '../../lib/schemas/driver-location';
import type { RideRequest } from '../../lib/schemas/ride-request';
import { topics } from '../../lib/topics';
import type { DemandModel } from './demand';
import { PaymentModel } from './payments';
import { reportingDrivers } from './emission-schedule';
import type { Fleet } from './fleet';
import { Marketplace, marketplaceFigures, tripEventOf, type MarketplaceFigures, type TripStep } from './marketplace';
import { LateDelivery, malformedKinds, malformedPaymentKinds, malformedPayload, malformedRequestKinds, malformedTripKinds, type PendingRecord } from './record-faults';

export interface SimulatorOptions {
  readonly drivers: number;
  readonly seed: number;
  /** How often each driver reports its position. */
  readonly intervalMs: number;
  readonly tickMs: number;
  /** Share of records delivered late, and by how much at most. */
  readonly outOfOrderRatio: number;
  readonly maxDelayMs: number;
  /** Share of records replaced by a malformed one. */
  readonly malformedRatio: number;
  /** Mean ride requests per second across the city (a stadium crowd comes on top). */
  readonly requestsPerSecond: number;
  /** Mean card payments per second, and fraud cases injected among them per minute. */
  readonly paymentsPerSecond: number;
  readonly fraudCasesPerMinute: number;
}

export interface SimulatorStats {
  sent: number;
  requests: number;
  tripEvents: number;
  payments: number;
  fraudCases: number;
  malformed: number;
  delayed: number;
}

export interface Clock {
  now(): number;
}

/** Trip steps and status samples the printed figures are worked out from (the last ones only). */
const FIGURES_STEPS = 20_000;
const FIGURES_SAMPLES = 60;

/**
 * Drives the city in real time: the marketplace (riders, dispatch, the fleet) and card
 * payments, produced to the raw topics: driver pings, ride requests, trip events, payments,
 * and the fraud it injected.
 */
export class Simulator {
  readonly market: Marketplace;
  readonly payments: PaymentModel;
  readonly stats: SimulatorStats = { sent: 0, requests: 0, tripEvents: 0, payments: 0, fraudCases: 0, malformed: 0, delayed: 0 };
  private readonly recentSteps: TripStep[] = [];
  private readonly recentSamples: Record<DriverStatus, number>[] = [];
  private recentRequests = 0;
  private lastSampleMs = 0;
  private readonly producer: Producer;
  private readonly late: LateDelivery;
  private readonly faults;
  private timer: NodeJS.Timeout | undefined;
  private lastTickMs = 0;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly options: SimulatorOptions,
    private readonly log: Logger,
    private readonly clock: Clock = Date,
  ) {
    this.market = new Marketplace({ city: bengaluru, drivers: options.drivers, seed: options.seed, requestsPerSecond: options.requestsPerSecond });
    this.payments = new PaymentModel({
      city: bengaluru,
      seed: options.seed,
      paymentsPerSecond: options.paymentsPerSecond,
      cards: Math.max(100, options.drivers * 2),
      fraudCasesPerMinute: options.fraudCasesPerMinute,
    });
    // Faults draw from their own stream so that turning them on does not change the city.
    this.faults = seededRandom(options.seed ^ 0x5eed);
    this.late = new LateDelivery(this.faults, options.outOfOrderRatio, options.maxDelayMs);
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.lastTickMs = this.clock.now();
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.log.info(
      {
        drivers: this.options.drivers,
        requestsPerSecond: this.options.requestsPerSecond,
        seed: this.options.seed,
        topics: [topics.driverLocationsRaw.name, topics.rideRequestsRaw.name, topics.tripEventsRaw.name, topics.paymentsRaw.name],
      },
      'simulator producing',
    );
  }

  get fleet(): Fleet {
    return this.market.fleet;
  }

  get demand(): DemandModel {
    return this.market.demand;
  }

  /** How the marketplace went lately: fulfilment, pickup times, who is doing what. */
  figures(): MarketplaceFigures {
    return marketplaceFigures(this.recentRequests, this.recentSteps, this.recentSamples);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const held = this.late.drain();
    if (held.length > 0) this.sending = this.sending.then(() => this.send(held));
    await this.sending;
    await this.producer.disconnect();
  }

  private tick(): void {
    const now = this.clock.now();
    const from = this.fleet.elapsedMs;
    const dt = now - this.lastTickMs;
    const { requests, events } = this.market.step(dt, now);
    this.lastTickMs = now;
    this.remember(requests.length, events);
    const fresh: PendingRecord[] = [];
    for (const i of reportingDrivers(this.fleet.drivers.length, this.options.intervalMs, from, this.fleet.elapsedMs)) {
      fresh.push(this.record(i, now));
    }
    for (const request of requests) fresh.push(this.requestRecord(request));
    for (const step of events) fresh.push(this.tripRecord(step, now));
    const { payments, cases } = this.payments.step(dt, now);
    for (const payment of payments) fresh.push(this.paymentRecord(payment));
    const records: PendingRecord[] = [];
    for (const r of fresh) {
      const record = this.late.offer(r, now);
      if (record) records.push(record);
      else this.stats.delayed++;
    }
    records.push(...this.late.due(now));
    // Ground truth is never delayed or broken: it is what the fraud job is scored against.
    for (const c of cases) records.push({ topic: topics.fraudGroundTruth.name, key: c.caseId, value: Buffer.from(JSON.stringify(c)), eventTimeMs: c.completedAt });
    this.stats.fraudCases += cases.length;
    if (records.length === 0) return;
    // Sends are chained: a slow broker delays ticks' sends but never reorders them.
    this.sending = this.sending.then(() => this.send(records));
  }

  private record(index: number, now: number): PendingRecord {
    const driver = this.fleet.drivers[index]!;
    const location = this.fleet.location(driver, now);
    const topic = topics.driverLocationsRaw.name;
    if (this.malformedNow()) {
      return { topic, key: driver.id, value: malformedPayload(this.faults.pick(malformedKinds), location, 'driverId'), eventTimeMs: now };
    }
    return { topic, key: driver.id, value: Buffer.from(JSON.stringify(location)), eventTimeMs: now };
  }

  private requestRecord(request: RideRequest): PendingRecord {
    const topic = topics.rideRequestsRaw.name;
    this.stats.requests++;
    const value = this.malformedNow()
      ? malformedPayload(this.faults.pick(malformedRequestKinds), request, 'requestId')
      : Buffer.from(JSON.stringify(request));
    return { topic, key: request.riderId, value, eventTimeMs: request.ts };
  }

  private tripRecord(step: TripStep, now: number): PendingRecord {
    const topic = topics.tripEventsRaw.name;
    this.stats.tripEvents++;
    const event = tripEventOf(step, now);
    const value = this.malformedNow() ? malformedPayload(this.faults.pick(malformedTripKinds), event, 'eventId') : Buffer.from(JSON.stringify(event));
    return { topic, key: event.requestId, value, eventTimeMs: now };
  }

  private remember(requests: number, steps: readonly TripStep[]): void {
    this.recentRequests += requests;
    this.recentSteps.push(...steps);
    if (this.recentSteps.length > FIGURES_STEPS) {
      const dropped = this.recentSteps.splice(0, this.recentSteps.length - FIGURES_STEPS);
      // Requests leave the figures with their outcomes, so fulfilment stays a share of the same requests.
      this.recentRequests = Math.max(0, this.recentRequests - dropped.filter((s) => s.kind === 'assigned' || s.kind === 'cancelled').length);
    }
    if (this.fleet.elapsedMs - this.lastSampleMs >= 10_000) {
      this.lastSampleMs = this.fleet.elapsedMs;
      this.recentSamples.push(this.market.statusCounts());
      if (this.recentSamples.length > FIGURES_SAMPLES) this.recentSamples.shift();
    }
  }

  private paymentRecord(payment: Payment): PendingRecord {
    const topic = topics.paymentsRaw.name;
    this.stats.payments++;
    const value = this.malformedNow()
      ? malformedPayload(this.faults.pick(malformedPaymentKinds), payment, 'paymentId')
      : Buffer.from(JSON.stringify(payment));
    return { topic, key: payment.riderId, value, eventTimeMs: payment.ts };
  }

  private malformedNow(): boolean {
    if (this.options.malformedRatio <= 0 || !this.faults.chance(this.options.malformedRatio)) return false;
    this.stats.malformed++;
    return true;
  }

  private async send(records: PendingRecord[]): Promise<void> {
    try {
      const byTopic = new Map<string, PendingRecord[]>();
      for (const r of records) {
        const list = byTopic.get(r.topic);
        if (list) list.push(r);
        else byTopic.set(r.topic, [r]);
      }
      await this.producer.sendBatch({
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, rs]) => ({
          topic,
          messages: rs.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.eventTimeMs) })),
        })),
      });
      this.stats.sent += records.length;
    } catch (err) {
      this.log.error({ err, records: records.length }, 'send failed; these records are lost');
    }
  }
}
