import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { bengaluru } from '../../lib/city';
import { seededRandom } from '../../lib/random';
import { topics } from '../../lib/topics';
import { reportingDrivers } from './emission-schedule';
import { Fleet } from './fleet';
import { LateDelivery, malformedKinds, malformedPayload, type PendingRecord } from './record-faults';

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
}

export interface SimulatorStats {
  sent: number;
  malformed: number;
  delayed: number;
}

export interface Clock {
  now(): number;
}

/** Drives the fleet in real time and produces its driver locations to the raw topic. */
export class Simulator {
  readonly fleet: Fleet;
  readonly stats: SimulatorStats = { sent: 0, malformed: 0, delayed: 0 };
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
    this.fleet = new Fleet({ city: bengaluru, drivers: options.drivers, seed: options.seed });
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
    this.log.info({ drivers: this.options.drivers, seed: this.options.seed, topic: topics.driverLocationsRaw.name }, 'simulator producing');
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
    this.fleet.step(now - this.lastTickMs);
    this.lastTickMs = now;
    const records: PendingRecord[] = [];
    for (const i of reportingDrivers(this.fleet.drivers.length, this.options.intervalMs, from, this.fleet.elapsedMs)) {
      const record = this.late.offer(this.record(i, now), now);
      if (record) records.push(record);
      else this.stats.delayed++;
    }
    records.push(...this.late.due(now));
    if (records.length === 0) return;
    // Sends are chained: a slow broker delays ticks' sends but never reorders them.
    this.sending = this.sending.then(() => this.send(records));
  }

  private record(index: number, now: number): PendingRecord {
    const driver = this.fleet.drivers[index]!;
    const location = this.fleet.location(driver, now);
    if (this.options.malformedRatio > 0 && this.faults.chance(this.options.malformedRatio)) {
      this.stats.malformed++;
      return { key: driver.id, value: malformedPayload(this.faults.pick(malformedKinds), location), eventTimeMs: now };
    }
    return { key: driver.id, value: Buffer.from(JSON.stringify(location)), eventTimeMs: now };
  }

  private async send(records: PendingRecord[]): Promise<void> {
    try {
      await this.producer.send({
        topic: topics.driverLocationsRaw.name,
        compression: CompressionTypes.None,
        messages: records.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.eventTimeMs) })),
      });
      this.stats.sent += records.length;
    } catch (err) {
      this.log.error({ err, records: records.length }, 'send failed; these records are lost');
    }
  }
}
