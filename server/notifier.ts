import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { decide, type Observation } from '../lib/notifications/observations';
import type { SinkSpec } from '../lib/notifications/payloads';
import { trimOldest } from '../lib/protocol';
import { NotificationRecord } from '../lib/schemas/notification';
import { topics } from '../lib/topics';
import { postToSink } from './sink-post';

/** How one delivery attempt went, for the audit trail and the metrics. */
export interface DeliveryAttempt {
  readonly sink: string;
  readonly eventId: string;
  readonly outcome: 'ok' | 'failed' | 'abandoned';
  readonly detail: string;
}

export interface NotifierOptions {
  readonly kafka: Kafka;
  /** Every gateway joins it; the one assigned the topic's single partition is the sender. */
  readonly groupId: string;
  /** The sinks now (the environment's and those set in /admin): looked up at every send. */
  readonly sinks: () => readonly SinkSpec[];
  /** Names the sender in payloads (the gateway id). */
  readonly source: string;
  /** Writes a record to the notifications topic (the gateway's producer). */
  readonly write: (key: string, value: string) => Promise<void>;
  readonly log: Logger;
  /** Told of every attempt: the gateway audits and counts them. */
  readonly onAttempt: (attempt: DeliveryAttempt) => void;
  /** Told of every change recorded: announced, or a silent baseline. */
  readonly onRecorded?: (record: NotificationRecord) => void;
  readonly clock?: { now(): number };
  /** First retry after this, doubling up to `max`. */
  readonly retryMs?: { readonly initial: number; readonly max: number };
  /** A change not delivered within this long of being seen is abandoned (recorded, counted). */
  readonly deadlineMs?: number;
  /** One attempt's timeout. */
  readonly attemptTimeoutMs?: number;
}

/** Subjects remembered: the topic keeps a week of fraud alerts; the oldest are forgotten first. */
const MAX_SUBJECTS = 20_000;
/** Before a crashed or failed notifier consumer is made again. */
const REBUILD_DELAY_MS = 5_000;
/** Changes waiting per sink while it is down; the oldest are dropped first (counted). */
const MAX_QUEUED = 1_000;

/**
 * Says once, to every configured sink, when a consumer group's status changes, a Flink job
 * leaves RUNNING, a fraud alert at or above the threshold arrives or a processed stream goes
 * stale, however many gateways run.
 *
 * Every gateway observes; one sends. The gateways form a consumer group on the notifications
 * topic, which has one partition: the member it is assigned to is the sender. Before it says
 * anything it reads the topic from the start, so that it knows what was last said about each
 * subject and which sinks acknowledged it, whichever gateway said it; it announces only a change
 * from that, records the change before sending it, and records each acknowledgement. A sender
 * that dies leaves its unacknowledged changes on the topic for the next one. Each sink has its
 * own queue and retries with backoff, so a receiver that is down delays only its own messages,
 * and nothing here waits on a receiver: observe() returns at once.
 *
 * A sender stopped gracefully finishes the attempt in flight and records its outcome before it
 * leaves the group, so its successor sends nothing twice. What is not exactly-once: a sender
 * killed (or deposed) after a receiver acknowledged a message and before the acknowledgement
 * reached the topic; its successor sends that message again (with the same eventId, for
 * receivers that deduplicate).
 */
export class Notifier {
  private consumer: Consumer | null = null;
  private admin: Admin | null = null;
  private readonly state = new Map<string, NotificationRecord>();
  private sender = false;
  /** Bumped on every gain or loss of the sender role: work of an earlier term stops. */
  private term = 0;
  /** Offset the replay must reach before this sender may speak (null: not replaying). */
  private replayTarget: bigint | null = null;
  private caughtUp = false;
  /** The first observation after catching up: states found wrong then were not seen to change. */
  private firstLook = false;
  private stopped = false;
  private rebuildTimer: NodeJS.Timeout | null = null;
  private readonly queues = new Map<string, NotificationRecord[]>();
  private readonly draining = new Set<string>();
  /** Queues being drained and records being written: a graceful stop waits for both. */
  private readonly drains = new Set<Promise<void>>();
  private readonly writes = new Set<Promise<void>>();
  /** Ends the backoff waits at once when the notifier stops. */
  private readonly wakers = new Set<() => void>();
  private readonly clock: { now(): number };
  private readonly retry: { readonly initial: number; readonly max: number };
  private readonly deadlineMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly topic = topics.notifications.name;

  constructor(private readonly o: NotifierOptions) {
    this.clock = o.clock ?? Date;
    this.retry = o.retryMs ?? { initial: 1_000, max: 60_000 };
    this.deadlineMs = o.deadlineMs ?? 60 * 60_000;
    this.attemptTimeoutMs = o.attemptTimeoutMs ?? 5_000;
  }

  /** Whether this gateway is the sender and has read what was said before. */
  get speaking(): boolean {
    return this.sender && this.caughtUp && !this.stopped;
  }

  /** Joins the notifier group; a failure (say the topic is missing) is logged and retried, never fatal to the gateway. */
  async start(): Promise<void> {
    this.admin = this.o.kafka.admin();
    await this.admin.connect().catch((err: unknown) => this.o.log.warn({ err }, 'notifier: admin client could not connect yet'));
    await this.run().catch((err: unknown) => {
      this.o.log.error({ err, topic: this.topic }, `notifier could not join its group on ${this.topic} (does the topic exist? lib/topics.ts); trying again`);
      this.scheduleRebuild();
    });
  }

  /**
   * Leaves the group once the attempts in flight have ended (each within its timeout) and what
   * they delivered is on the topic: until then the partition, and so the role, stays here.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
    await Promise.allSettled([...this.drains]);
    await Promise.allSettled([...this.writes]);
    this.term++;
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  /**
   * Compares what the gateway sees now with what was last said, records each change and queues
   * it for every sink. Does nothing unless this gateway is the sender and has caught up.
   */
  observe(observations: readonly Observation[]): void {
    if (!this.speaking) return;
    const now = this.clock.now();
    const firstLook = this.firstLook;
    this.firstLook = false;
    for (const o of observations) {
      const record = decide(this.state.get(o.subject), o, now, firstLook);
      if (!record) continue;
      this.remember(record);
      this.persist(record);
      this.o.onRecorded?.(record);
      if (!record.notify) continue;
      // A sink added after the change happened never hears of it (an alert detected before it was set).
      for (const sink of this.o.sinks()) if (record.at >= sink.since) this.enqueue(sink.id, record);
    }
  }

  private async run(): Promise<void> {
    const consumer = this.o.kafka.consumer({ groupId: this.o.groupId, maxWaitTimeInMs: 250, sessionTimeout: 10_000, rebalanceTimeout: 5_000, heartbeatInterval: 1_000 });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const mine = (payload.memberAssignment[this.topic] ?? []).length > 0;
      if (mine && !this.sender) void this.becomeSender(consumer);
      else if (!mine && this.sender) this.standDown('another gateway was given the notifications partition');
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (this.replayTarget !== null && BigInt(payload.lastOffset) + 1n >= this.replayTarget) this.caughtUpNow();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.standDown('the notifier consumer crashed');
      this.o.log.warn({ err: payload.error, restart: payload.restart }, 'notifier consumer crashed');
      if (!payload.restart && consumer === this.consumer) this.scheduleRebuild();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) this.take(m.key?.toString() ?? '', m.value);
      },
    });
  }

  private scheduleRebuild(): void {
    if (this.stopped || this.rebuildTimer) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = null;
      void (async () => {
        await this.consumer?.disconnect().catch(() => undefined);
        if (!this.stopped) await this.run().catch((err: unknown) => {
          this.o.log.error({ err }, 'notifier consumer rebuild failed; trying again');
          this.scheduleRebuild();
        });
      })();
    }, REBUILD_DELAY_MS);
  }

  /** Given the partition: read it from its start before saying anything. */
  private async becomeSender(consumer: Consumer): Promise<void> {
    const term = ++this.term;
    this.sender = true;
    this.caughtUp = false;
    this.state.clear();
    for (const q of this.queues.values()) q.length = 0;
    try {
      const [p] = await this.admin!.fetchTopicOffsets(this.topic);
      if (term !== this.term) return;
      const high = BigInt(p?.high ?? '0');
      const low = BigInt(p?.low ?? '0');
      consumer.seek({ topic: this.topic, partition: 0, offset: low.toString() });
      this.o.log.info({ records: (high - low).toString() }, 'this gateway sends the notifications; reading what was said before');
      this.replayTarget = high;
      if (high <= low) this.caughtUpNow();
    } catch (err) {
      this.o.log.warn({ err }, 'notifier: reading the notifications topic offsets failed; giving the role back');
      this.standDown('could not read the topic offsets');
      this.scheduleRebuild();
    }
  }

  private caughtUpNow(): void {
    if (this.caughtUp || !this.sender) return;
    this.replayTarget = null;
    this.caughtUp = true;
    this.firstLook = true;
    // What an earlier sender recorded but no sink acknowledged, oldest first.
    const unsent = [...this.state.values()].filter((r) => r.notify).sort((a, b) => a.at - b.at);
    let queued = 0;
    for (const r of unsent) {
      for (const sink of this.o.sinks()) {
        // A sink added after the change was seen never heard of it, and is not told now.
        if (r.at < sink.since || r.deliveredTo.includes(sink.id) || r.abandonedBy.includes(sink.id)) continue;
        this.enqueue(sink.id, r);
        queued++;
      }
    }
    this.o.log.info({ subjects: this.state.size, queued }, 'notifier caught up; announcing changes from now on');
  }

  private standDown(reason: string): void {
    if (!this.sender) return;
    this.term++;
    this.sender = false;
    this.caughtUp = false;
    this.replayTarget = null;
    for (const q of this.queues.values()) q.length = 0;
    this.o.log.info({ reason }, 'this gateway no longer sends the notifications');
  }

  private take(key: string, value: Buffer | null): void {
    if (!value) {
      this.state.delete(key);
      return;
    }
    let parsed: NotificationRecord;
    try {
      parsed = NotificationRecord.parse(JSON.parse(value.toString('utf8')));
    } catch (err) {
      this.o.log.warn({ err, key }, 'notifier: skipped an invalid record on the notifications topic');
      return;
    }
    const mine = this.state.get(key);
    // Our own writes come back after we applied them: an older version of the same change
    // must not undo an acknowledgement already applied.
    if (mine && mine.eventId === parsed.eventId && mine.deliveredTo.length + mine.abandonedBy.length > parsed.deliveredTo.length + parsed.abandonedBy.length) return;
    this.remember(parsed);
  }

  /** Newest last, so that the oldest subjects are the ones forgotten. */
  private remember(record: NotificationRecord): void {
    this.state.delete(record.subject);
    this.state.set(record.subject, record);
    trimOldest(this.state, MAX_SUBJECTS);
  }

  private persist(record: NotificationRecord): void {
    const written = this.o.write(record.subject, JSON.stringify(record)).catch((err: unknown) => {
      this.o.log.error({ err, subject: record.subject, eventId: record.eventId }, 'notifier: could not record a notification on the topic; a successor may send it again');
    });
    this.writes.add(written);
    void written.finally(() => this.writes.delete(written));
  }

  private enqueue(sinkId: string, record: NotificationRecord): void {
    const q = this.queues.get(sinkId) ?? [];
    this.queues.set(sinkId, q);
    q.push(record);
    if (q.length > MAX_QUEUED) {
      const dropped = q.shift()!;
      this.o.onAttempt({ sink: sinkId, eventId: dropped.eventId, outcome: 'abandoned', detail: `queue full (${MAX_QUEUED}): dropped the oldest` });
    }
    if (!this.draining.has(sinkId)) this.startDrain(sinkId);
  }

  private startDrain(sinkId: string): void {
    const drained = this.drain(sinkId, this.term);
    this.drains.add(drained);
    void drained.finally(() => this.drains.delete(drained));
  }

  /** Waits `ms`, or less if the notifier stops meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** One sink's queue, in order, one message at a time: retried with backoff until the deadline. */
  private async drain(sinkId: string, term: number): Promise<void> {
    const q = this.queues.get(sinkId)!;
    this.draining.add(sinkId);
    try {
      let delay = this.retry.initial;
      while (q.length > 0 && term === this.term && !this.stopped) {
        // Looked up each time: an address changed in /admin applies to the next attempt.
        const sink = this.o.sinks().find((s) => s.id === sinkId);
        if (!sink) {
          this.o.log.info({ sink: sinkId, dropped: q.length }, 'notifier: a sink was removed; its queued messages are dropped');
          q.length = 0;
          return;
        }
        const record = q[0]!;
        const result = await postToSink(sink, record, this.o.source, this.attemptTimeoutMs);
        if (term !== this.term) return;
        if (result.ok) {
          q.shift();
          delay = this.retry.initial;
          this.o.onAttempt({ sink: sink.id, eventId: record.eventId, outcome: 'ok', detail: result.detail });
          this.acknowledge(record, sink.id, 'deliveredTo');
          continue;
        }
        const expired = this.clock.now() - record.at > this.deadlineMs;
        this.o.onAttempt({ sink: sink.id, eventId: record.eventId, outcome: expired ? 'abandoned' : 'failed', detail: result.detail });
        if (expired) {
          q.shift();
          this.acknowledge(record, sink.id, 'abandonedBy');
          continue;
        }
        await this.pause(delay);
        delay = Math.min(this.retry.max, delay * 2);
      }
    } finally {
      this.draining.delete(sinkId);
      // A sender that lost the role and gained it again while this ran restarts the queue.
      if (q.length > 0 && term !== this.term && this.speaking && !this.draining.has(sinkId)) this.startDrain(sinkId);
      // An empty queue goes: the map holds the sinks with something to send, not every name ever set.
      else if (q.length === 0 && this.queues.get(sinkId) === q) this.queues.delete(sinkId);
    }
  }

  /** Records that a sink acknowledged (or gave up on) a change, if it is still the subject's latest. */
  private acknowledge(record: NotificationRecord, sinkId: string, field: 'deliveredTo' | 'abandonedBy'): void {
    const current = this.state.get(record.subject);
    if (!current || current.eventId !== record.eventId || current[field].includes(sinkId)) return;
    const updated: NotificationRecord = { ...current, [field]: [...current[field], sinkId] };
    this.remember(updated);
    this.persist(updated);
  }
}
