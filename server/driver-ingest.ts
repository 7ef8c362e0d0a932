import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
import type { DriverView } from './driver-view';
import type { IngestOutcome } from './metrics';
import { parseRecord, ReplayedStream, type Handled, type StreamRecord } from './replayed-stream';

export interface IngestStats {
  records: number;
  applied: number;
  stale: number;
  tombstones: number;
  invalid: number;
  /** Times the consumer failed in a way kafkajs would not recover from, and was rebuilt. */
  rebuilds: number;
}

export interface IngestOptions {
  readonly kafka: Kafka;
  /** Consumer group, used for partition assignment only: nothing is committed. */
  readonly groupId: string;
  readonly view: DriverView;
  readonly log: Logger;
  readonly count?: (outcome: IngestOutcome) => void;
  readonly clock?: { now(): number };
}

/**
 * Reads drivers.positions into the driver view. Every start replays the compacted topic from
 * the beginning, and the gateway reports ready once it has reached the end offsets it saw at
 * start; a crashed consumer is rebuilt (ReplayedStream), and a replay is harmless because the
 * view keeps the latest position per driver.
 */
export class DriverIngest {
  private readonly counts = { applied: 0, stale: 0, tombstones: 0 };
  readonly stream: ReplayedStream;

  constructor(private readonly o: IngestOptions) {
    this.stream = new ReplayedStream({
      kafka: o.kafka,
      name: 'drivers',
      groupId: o.groupId,
      topics: [topics.driversPositions.name],
      handle: (r) => this.handle(r),
      count: (_topic, outcome) => o.count?.(outcome as IngestOutcome),
      log: o.log,
      clock: o.clock,
    });
  }

  get stats(): IngestStats {
    const s = this.stream.stats;
    return { records: s.records, ...this.counts, invalid: s.invalid, rebuilds: s.rebuilds };
  }

  get catchUpProgress(): { partitionsDone: number; partitions: number } | null {
    return this.stream.health.catchUp;
  }

  get ready(): boolean {
    return this.stream.ready;
  }

  /** Serving what it has, but not receiving: the broker is unreachable or the consumer is down. */
  get degraded(): boolean {
    return this.stream.degraded;
  }

  start(): Promise<void> {
    return this.stream.start();
  }

  stop(): Promise<void> {
    return this.stream.stop();
  }

  private handle({ message }: StreamRecord): Handled {
    const key = message.key?.toString('utf8');
    if (message.value === null) {
      if (!key) return { invalid: 'a tombstone without a key' };
      this.o.view.remove(key);
      this.counts.tombstones++;
      return 'tombstone';
    }
    const parsed = parseRecord(DriverPosition, message);
    if (!parsed.ok) return { invalid: parsed.invalid };
    const outcome = this.o.view.apply(parsed.value) ? 'applied' : 'stale';
    this.counts[outcome]++;
    return outcome;
  }
}
