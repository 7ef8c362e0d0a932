import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { catchUpForecast, lagTrend } from '../lib/lag/catch-up-forecast';
import type { GroupLag, LagReport, PartitionLag } from '../lib/lag/lag-report';
import { lagOf, type LagSample } from '../lib/lag/lag-sample';
import { OffsetClock } from '../lib/lag/offset-clock';
import { partitionStatus, worstStatus, type Liveness } from '../lib/lag/partition-status';
import type { DescribedGroup } from './group-protocol-client';
import type { RecordAt, RecordTimestamps } from './record-timestamps';

export interface LagMonitorOptions {
  readonly admin: Admin;
  readonly pollMs: number;
  /** Samples per partition the rules look at (window = pollMs × windowSize). */
  readonly windowSize: number;
  readonly log: Logger;
  readonly clock?: { now(): number };
  /** Reads record timestamps for time lag; without it time lag is null. */
  readonly timestamps?: RecordTimestamps;
  /** Every group with its state and members, both group protocols (GroupDirectory); kafkajs's classic view when absent. */
  readonly groups?: { describeAll(): Promise<DescribedGroup[]> };
  /** For groups whose consumer commits without joining (Flink's): whether it runs; null for the others. */
  readonly consumerWithoutMembers?: (groupId: string) => Liveness | null;
  /**
   * Whether this reader may read a topic's records (its ACLs; every topic when absent). Time lag
   * on the others is told from when their log ends moved (OffsetClock), never from a record.
   */
  readonly readable?: (topic: string) => boolean;
}

const INACTIVE_STATES = new Set(['Empty', 'Dead']);

/**
 * Polls every consumer group on the cluster: committed offsets against log-end offsets, kept
 * in a sliding window per partition and judged by the rules in lib/lag. Groups without any
 * committed offset (such as the gateways' own replaying consumers) cannot be judged and are
 * left out of the report.
 */
export class LagMonitor {
  private readonly windows = new Map<string, LagSample[]>();
  /** When offsets of topics it may not read were appended, from the log ends it polls. */
  private readonly appendTimes = new OffsetClock();
  /** Partitions last found with only markers left, at which offsets (cleared with their windows). */
  private readonly atEnd = new Map<string, { committed: number; end: number }>();
  private warnedGroups = false;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | null = null;
  private latest: LagReport = { at: 0, groups: [] };
  private readonly clock: { now(): number };
  private readonly readable: (topic: string) => boolean;
  /** Called after every successful poll. */
  onReport: (report: LagReport) => void = () => undefined;

  constructor(private readonly o: LagMonitorOptions) {
    this.clock = o.clock ?? Date;
    this.readable = o.readable ?? (() => true);
  }

  get report(): LagReport {
    return this.latest;
  }

  start(): void {
    this.timer = setInterval(() => void this.pollOnce(), this.o.pollMs);
    void this.pollOnce();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** One poll; overlapping calls share the one in flight. */
  pollOnce(): Promise<void> {
    this.polling ??= this.poll()
      .catch((err: unknown) => this.o.log.warn({ err }, 'lag poll failed; keeping the previous report'))
      .finally(() => {
        this.polling = null;
      });
    return this.polling;
  }

  private async poll(): Promise<void> {
    const { admin } = this.o;
    const at = this.clock.now();
    const described = this.o.groups
      ? await this.o.groups.describeAll().catch((err: unknown) => {
          // A broker before Kafka 3.8 has no ListGroups v5: classic groups are all it can have.
          if (!this.warnedGroups) this.o.log.warn({ err }, 'could not list groups by type (ListGroups v5); judging classic-protocol groups only');
          this.warnedGroups = true;
          return classicGroups(admin);
        })
      : await classicGroups(admin);
    const report: GroupLag[] = [];
    const seen = new Set<string>();
    // Every group's commits first, then every log end at once: an end read before a fast
    // consumer's commit can trail it, and the commit would look beyond the log end (ERR).
    const commits = await Promise.all(described.map(async (group) => ({ group, committed: await admin.fetchOffsets({ groupId: group.groupId }) })));
    const topicNames = [...new Set(commits.flatMap((c) => c.committed.filter((t) => t.partitions.some((p) => Number(p.offset) >= 0)).map((t) => t.topic)))];
    const endOffsets = new Map(
      await Promise.all(
        topicNames.map(async (topic) => {
          // A topic deleted since the commit has no end: its partitions are left out.
          const ends = await admin.fetchTopicOffsets(topic).then((ps) => new Map(ps.map((p) => [p.partition, Number(p.high)])), () => null);
          return [topic, ends] as const;
        }),
      ),
    );
    for (const [topic, ends] of endOffsets) if (ends && !this.readable(topic)) for (const [partition, end] of ends) this.appendTimes.observe(topic, partition, end, at);
    this.appendTimes.retain((topic) => endOffsets.get(topic) != null && !this.readable(topic));
    type Raw = { key: string; topic: string; partition: number; committed: number | null; end: number };
    const perGroup: { group: (typeof commits)[number]['group']; raw: Raw[] }[] = [];
    for (const { group, committed } of commits) {
      const raw: Raw[] = [];
      for (const { topic, partitions: parts } of committed) {
        if (parts.every((p) => Number(p.offset) < 0)) continue;
        const ends = endOffsets.get(topic);
        if (!ends) continue;
        for (const p of parts) {
          const key = `${group.groupId}\u0000${topic}\u0000${p.partition}`;
          seen.add(key);
          const offset = Number(p.offset);
          raw.push({ key, topic, partition: p.partition, committed: offset < 0 ? null : offset, end: ends.get(p.partition) ?? 0 });
        }
      }
      if (raw.length > 0) perGroup.push({ group, raw });
    }
    // Every group's next records read together (a round per offset a partition is wanted at):
    // one group after another, twenty groups made the report seconds late.
    const recordAt = await this.recordsAt(perGroup.flatMap((g) => g.raw), (topic) => [...(endOffsets.get(topic)?.keys() ?? [])]);
    for (const { group, raw } of perGroup) {
      const live: Liveness = this.o.consumerWithoutMembers?.(group.groupId) ?? (INACTIVE_STATES.has(group.state) ? 'no' : 'yes');
      const partitions: PartitionLag[] = raw.map((r) => {
        const next = recordAt.get(r.key);
        // Only transaction markers left before the end: caught up, whatever the offsets say.
        const sample: LagSample = { at, committed: r.committed, end: next === 'end' && r.committed !== null ? r.committed : r.end };
        const window = [...(this.windows.get(r.key) ?? []), sample].slice(-this.o.windowSize);
        this.windows.set(r.key, window);
        const lag = lagOf(sample);
        return {
          topic: r.topic,
          partition: r.partition,
          committed: r.committed,
          end: r.end,
          lag,
          timeLagMs: lag === 0 ? 0 : typeof next === 'number' ? Math.max(0, at - next) : null,
          status: partitionStatus(window, { live, windowFull: window.length === this.o.windowSize }),
          trend: lagTrend(window),
          forecast: catchUpForecast(window),
        };
      });
      partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      report.push({
        groupId: group.groupId,
        state: group.state,
        members: group.members,
        status: worstStatus(partitions.map((p) => p.status)),
        totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
        maxTimeLagMs: partitions.reduce<number | null>((max, p) => (p.timeLagMs === null ? max : Math.max(max ?? 0, p.timeLagMs)), null),
        partitions,
      });
    }
    for (const key of this.windows.keys()) if (!seen.has(key)) this.windows.delete(key);
    for (const key of this.atEnd.keys()) if (!seen.has(key)) this.atEnd.delete(key);
    report.sort((a, b) => a.groupId.localeCompare(b.groupId));
    this.latest = { at, groups: report };
    this.onReport(this.latest);
  }

  /**
   * What each lagging partition will read next (see RecordAt). A partition found at the end
   * (markers only) is not read again while its committed and end offsets stay where they were.
   */
  private async recordsAt(partitions: readonly { key: string; topic: string; partition: number; committed: number | null; end: number }[], partitionsOf: (topic: string) => number[]): Promise<Map<string, RecordAt>> {
    const found = new Map<string, RecordAt>();
    const toRead = partitions.filter((p) => {
      if (p.committed === null || p.end <= p.committed) return false;
      if (!this.readable(p.topic)) return void found.set(p.key, this.appendTimes.appendedAt(p.topic, p.partition, p.committed));
      const known = this.atEnd.get(p.key);
      if (known && known.committed === p.committed && known.end === p.end) return void found.set(p.key, 'end');
      return true;
    });
    if (!this.o.timestamps || toRead.length === 0) return found;
    // The reader takes one offset per partition at a time: groups wanting the same partition at
    // the same offset share a read, other offsets wait for the next round.
    const byOffset = new Map<string, (typeof toRead)[number][]>();
    for (const p of toRead) {
      const at = `${p.topic}\u0000${p.partition}\u0000${p.committed}`;
      byOffset.set(at, [...(byOffset.get(at) ?? []), p]);
    }
    const rounds: (typeof toRead)[number][][][] = [];
    const roundOf = new Map<string, number>();
    for (const wanting of byOffset.values()) {
      const partitionKey = `${wanting[0]!.topic}\u0000${wanting[0]!.partition}`;
      const round = roundOf.get(partitionKey) ?? 0;
      roundOf.set(partitionKey, round + 1);
      (rounds[round] ??= []).push(wanting);
    }
    for (const round of rounds) {
      const read = await this.o.timestamps.timestampsAt(
        round.map((wanting) => ({ topic: wanting[0]!.topic, partition: wanting[0]!.partition, offset: wanting[0]!.committed! })),
        partitionsOf,
      );
      for (const wanting of round) {
        const at = read.get(`${wanting[0]!.topic}/${wanting[0]!.partition}`) ?? null;
        for (const p of wanting) {
          found.set(p.key, at);
          if (at === 'end') this.atEnd.set(p.key, { committed: p.committed!, end: p.end });
          else this.atEnd.delete(p.key);
        }
      }
    }
    return found;
  }
}

/** Groups as kafkajs sees them: classic-protocol groups only (a KIP-848 group reads as Dead). */
async function classicGroups(admin: Admin): Promise<DescribedGroup[]> {
  const ids = (await admin.listGroups()).groups.map((g) => g.groupId);
  const described = ids.length > 0 ? (await admin.describeGroups(ids)).groups : [];
  return described.map((g) => ({ groupId: g.groupId, state: g.state, members: g.members.length, type: 'classic' }));
}
