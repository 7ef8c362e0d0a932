import {
  coarsen,
  foldIntoMinutes,
  lagHistoryKey,
  LAG_HISTORY_SPAN_MS,
  LAG_HISTORY_WIRE_STEP_MS,
  type LagHistorySnapshot,
  type LagPoint,
  type MinutePoint,
} from '../lib/lag/lag-history';
import type { LagReport } from '../lib/lag/lag-report';
import { LagHistoryPoint } from '../lib/schemas/lag-history-point';
import { topics } from '../lib/topics';
import { parseRecord, ReplayedStream, type Handled, type IngestBase, type StreamRecord } from './replayed-stream';

/** Groups the history keeps at most; past it the one quiet longest is forgotten (it can come back). */
export const MAX_HISTORY_GROUPS = 500;

/**
 * The lag trend's last 24 hours, kept on lag.history rather than in memory, so that a restarted
 * gateway and every other gateway show the same one. Each poll's report is folded into the
 * minute in progress per group; a closed minute is written (keyed by group and minute: the
 * gateways write the same keys, compaction keeps one) and replayed by every gateway into a
 * bounded map: at most MAX_HISTORY_GROUPS groups, 1,440 minutes each, none older than 24 h.
 */
export class LagHistoryStore {
  readonly stream: ReplayedStream;
  private readonly byGroup = new Map<string, Map<number, LagPoint>>();
  private open = new Map<string, MinutePoint>();
  private readonly write: (key: string, point: MinutePoint) => Promise<void>;
  private readonly clock: { now(): number };
  private readonly o: IngestBase;

  constructor(o: IngestBase & { readonly write: (key: string, value: string) => Promise<void>; readonly clock?: { now(): number } }) {
    this.o = o;
    this.clock = o.clock ?? Date;
    this.write = (key, point) => o.write(key, JSON.stringify(point));
    this.stream = new ReplayedStream({ kafka: o.kafka, name: 'lag-history', groupId: o.groupId, topics: [topics.lagHistory.name], handle: (r) => this.replay(r), log: o.log, count: o.count, maxWaitTimeInMs: 200 });
  }

  start(): Promise<void> {
    return this.stream.start();
  }

  stop(): Promise<void> {
    return this.stream.stop();
  }

  /** A poll's report: the minutes it closes are kept and written (a failed write is logged and counted, never thrown). */
  record(report: LagReport): void {
    const { open, closed } = foldIntoMinutes(this.open, report);
    this.open = open;
    if (closed.length > 0) this.prune();
    for (const point of closed) {
      this.keep(point);
      const key = lagHistoryKey(point);
      this.write(key, point).then(
        () => this.o.count?.(topics.lagHistory.name, 'written'),
        (err: unknown) => {
          this.o.count?.(topics.lagHistory.name, 'write-failed');
          this.o.log.warn({ err, key }, 'writing a minute of lag history failed; this gateway keeps it, others and a restart will not see it');
        },
      );
    }
  }

  /** Per group, the last 24 hours at the wire's resolution, oldest first. */
  snapshot(): LagHistorySnapshot {
    this.prune();
    return {
      groups: [...this.byGroup].map(([groupId, minutes]) => ({ groupId, points: coarsen([...minutes.values()].sort((a, b) => a.at - b.at), LAG_HISTORY_WIRE_STEP_MS) })),
    };
  }

  /** Minutes held, over every group (for /readyz details and tests). */
  get size(): number {
    let n = 0;
    for (const minutes of this.byGroup.values()) n += minutes.size;
    return n;
  }

  private replay({ message }: StreamRecord): Handled {
    if (message.value === null) return 'tombstone';
    const point = parseRecord(LagHistoryPoint, message);
    if (!point.ok) return { invalid: point.invalid };
    if (message.key?.toString('utf8') !== lagHistoryKey(point.value)) return { invalid: `a lag history record keyed ${JSON.stringify(message.key?.toString('utf8').slice(0, 300) ?? null)} holds ${lagHistoryKey(point.value).slice(0, 300)}` };
    return this.keep(point.value) ? 'applied' : 'expired';
  }

  /** Keeps a minute (the larger lag when two gateways wrote it); false when it is older than the span. */
  private keep(point: MinutePoint): boolean {
    if (point.at < this.clock.now() - LAG_HISTORY_SPAN_MS) return false;
    let minutes = this.byGroup.get(point.groupId);
    if (!minutes) {
      if (this.byGroup.size >= MAX_HISTORY_GROUPS) this.forgetQuietest();
      minutes = new Map();
      this.byGroup.set(point.groupId, minutes);
    }
    const held = minutes.get(point.at);
    minutes.set(point.at, held && held.lag > point.lag ? held : { at: point.at, lag: point.lag, timeLagMs: point.timeLagMs });
    return true;
  }

  private prune(): void {
    const oldest = this.clock.now() - LAG_HISTORY_SPAN_MS;
    for (const [groupId, minutes] of this.byGroup) {
      for (const at of minutes.keys()) if (at < oldest) minutes.delete(at);
      if (minutes.size === 0) this.byGroup.delete(groupId);
    }
  }

  private forgetQuietest(): void {
    let quietest: string | null = null;
    let newest = Infinity;
    for (const [groupId, minutes] of this.byGroup) {
      const last = Math.max(...minutes.keys());
      if (last < newest) [quietest, newest] = [groupId, last];
    }
    if (quietest !== null) this.byGroup.delete(quietest);
  }
}
