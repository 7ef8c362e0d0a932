import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { defaultPipelineSettings } from '../lib/pipeline-jobs';
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
    // The positions job never deletes: a driver leaves the map by its TTL or an offline status
    // it wrote. A tombstone is a stranger's (or an operator's) and removes nobody.
    if (message.value === null) {
      this.counts.tombstones++;
      return { invalid: `a tombstone${key ? '' : ' without a key'}: ignored (drivers leave by TTL or an offline status)` };
    }
    const parsed = parseRecord(DriverPosition, message);
    if (!parsed.ok) return { invalid: parsed.invalid };
    // The positions job dead-letters these; one that got here anyway (written by another
    // producer) would pin the driver and the map's freshness to a time that has not come.
    const ahead = parsed.value.ts - (this.o.clock?.now() ?? Date.now());
    if (ahead > defaultPipelineSettings.maxFutureMs) return { invalid: `ts ${Math.round(ahead / 1000)} s ahead of the clock` };
    const outcome = this.o.view.apply(parsed.value) ? 'applied' : 'stale';
    this.counts[outcome]++;
    return outcome;
  }
}
