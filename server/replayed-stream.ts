import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaClientRetry, SOLE_MEMBER_GROUP_TIMING } from '../lib/kafka-brokers';
import { CatchUp } from './catch-up';

/** What every ingest built on a ReplayedStream is given. */
export interface IngestBase {
  readonly kafka: Kafka;
  /** Consumer group, for partition assignment only: nothing is committed. */
  readonly groupId: string;
  readonly log: Logger;
  /** Counts every record by topic and outcome. */
  readonly count?: (topic: string, outcome: string) => void;
}

/** What a handler made of a record: an outcome to count, or why the record was not taken. */
export type Handled = string | { readonly invalid: string };

export interface StreamRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

export interface ReplayedStreamOptions {
  readonly kafka: Kafka;
  /** Names the stream in logs, /readyz and the status bar ("drivers", "alerts", ...). */
  readonly name: string;
  /** Used for partition assignment only: nothing is committed. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Where the first start reads from: every record (undefined), or the newest `tail` records of
   * each partition (an audit trail a year long is not read to show its last 500 events).
   */
  readonly tail?: number;
  readonly handle: (record: StreamRecord) => Handled;
  readonly log: Logger;
  /** Counts every record by topic and outcome ('invalid', 'failed' included). */
  readonly count?: (topic: string, outcome: string) => void;
  readonly clock?: { now(): number };
  readonly maxWaitTimeInMs?: number;
  /** Delay before rebuilding a crashed consumer (500 ms by default); doubles on each failed rebuild up to `max` (5 s). */
  readonly rebuildDelayMs?: { readonly initial: number; readonly max: number };
}

export interface StreamHealth {
  readonly ready: boolean;
  readonly degraded: boolean;
  readonly records: number;
  readonly invalid: number;
  readonly rebuilds: number;
  readonly catchUp: { partitionsDone: number; partitions: number } | null;
}

/** How often, and how far apart, a start asks again for offsets a moving leader would not give. */
const START_ATTEMPTS = 10;
const START_RETRY_MS = 500;

/** A kafkajs error that says to ask again (its own, or the broker's it wraps). */
function isRetriable(err: unknown): boolean {
  const e = err as { retriable?: boolean; cause?: unknown } | null;
  return Boolean(e?.retriable) || (e?.cause !== undefined && isRetriable(e.cause));
}

/** No fetch for this long (the loop fetches every few hundred ms) means it is not receiving. */
const DEGRADED_AFTER_MS = 5_000;
/** Invalid records logged one by one before only every 1000th is (the counter holds the total). */
const LOGGED_INVALID = 20;

/**
 * One topic-replaying consumer of the gateway, the same for every view it feeds: it reads its
 * topics from the beginning (or a bounded tail) on every start, never commits, tells when the
 * view has caught up with the end offsets seen at start, and hands each record over once.
 *
 * A consumer that crashes (kafkajs is told not to restart it itself) or whose rebuild fails is
 * rebuilt here with backoff, resuming at the next offset of each partition, so a view never
 * freezes silently and never sees a record twice. While it is down
 * or not fetching the stream is degraded. Invalid records are logged with topic, partition,
 * offset and reason, and counted, the same way for every stream.
 */
export class ReplayedStream {
  private consumer: Consumer | null = null;
  private catchUp: CatchUp | null = null;
  private readonly readyWaiters: (() => void)[] = [];
  private caughtUp = false;
  private down = false;
  private stopped = false;
  private lastFetchAt = 0;
  private rebuildTimer: NodeJS.Timeout | null = null;
  private rebuildDelay: number;
  private readonly backoff: { readonly initial: number; readonly max: number };
  private readonly clock: { now(): number };
  /** Next offset to hand over, per "topic/partition" (bounded by the partitions read): where a
   * tail starts, then past each record handed over. */
  private readonly next = new Map<string, bigint>();
  private readonly counts = { records: 0, invalid: 0, failed: 0, rebuilds: 0 };
  /** When a record of each topic last arrived (bounded by the topics read). */
  private readonly lastRecordAt = new Map<string, number>();
  /** Consumers made so far: each joins a group of its own. */
  private incarnation = 0;

  constructor(private readonly o: ReplayedStreamOptions) {
    this.clock = o.clock ?? Date;
    this.backoff = o.rebuildDelayMs ?? { initial: 500, max: 5_000 };
    this.rebuildDelay = this.backoff.initial;
  }

  get name(): string {
    return this.o.name;
  }

  get topics(): readonly string[] {
    return this.o.topics;
  }

  /** The view holds everything up to the end offsets seen at start. */
  get ready(): boolean {
    return this.caughtUp;
  }

  /** Serving what it has, but not receiving: the consumer is down or the broker out of reach. */
  get degraded(): boolean {
    return this.down || (this.lastFetchAt > 0 && this.clock.now() - this.lastFetchAt > DEGRADED_AFTER_MS);
  }

  get health(): StreamHealth {
    return { ready: this.ready, degraded: this.degraded, records: this.counts.records, invalid: this.counts.invalid, rebuilds: this.counts.rebuilds, catchUp: this.catchUp?.progress ?? null };
  }

  get stats(): { records: number; invalid: number; failed: number; rebuilds: number } {
    return { ...this.counts };
  }

  /** When a record of `topic` last arrived here (epoch ms; 0: none yet). */
  receivedAt(topic: string): number {
    return this.lastRecordAt.get(topic) ?? 0;
  }

  async start(): Promise<void> {
    // kafkajs's admin gives up on a leader that moved ("not the leader"), which a cluster that
    // just started or just lost a node answers for a moment: ask again, with fresh metadata.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.readStarts();
        break;
      } catch (err) {
        if (!isRetriable(err) || attempt >= START_ATTEMPTS) throw err;
        this.o.log.warn({ err, stream: this.o.name, attempt }, `${this.o.name}: reading where to start failed; asking again`);
        await new Promise((r) => setTimeout(r, START_RETRY_MS));
      }
    }
    this.updateReadiness();
    this.lastFetchAt = this.clock.now();
    await this.run();
  }

  /** The end offsets to catch up with, and where a tail starts. */
  private async readStarts(): Promise<void> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      this.catchUp = await CatchUp.at(admin, this.o.topics);
      if (this.o.tail !== undefined) for (const [key, from] of await tailStarts(admin, this.o.topics, this.o.tail)) this.next.set(key, from);
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    await this.consumer?.disconnect();
  }

  /** Starts a consumer; false when it crashed while joining (a rebuild is then scheduled). */
  private async run(): Promise<boolean> {
    const consumer = this.o.kafka.consumer({
      // A group of its own per consumer: a rebuilt one joins at once instead of waiting out the
      // crashed one's session in the old group (nothing is committed, the group only assigns).
      groupId: this.incarnation++ === 0 ? this.o.groupId : `${this.o.groupId}-r${this.incarnation - 1}`,
      maxWaitTimeInMs: this.o.maxWaitTimeInMs ?? 100,
      ...SOLE_MEMBER_GROUP_TIMING,
      // Every crash is this stream's to recover from (one backoff, one degraded state, one
      // count), not kafkajs's for some errors and nobody's for the others. Patched, kafkajs
      // follows a dead leader's partitions and a dead coordinator's group on its own once the
      // cluster has moved them (patches/kafkajs+2.2.4.patch); a rejoin while the dead node was
      // the active controller can take a controller election longer, so the tries, a second
      // apart at most, span about 18 s before the stream gives up on this consumer.
      retry: { ...kafkaClientRetry, retries: 20, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    let crashed = false;
    consumer.on(consumer.events.FETCH, () => {
      this.lastFetchAt = this.clock.now();
      this.rebuildDelay = this.backoff.initial;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      crashed = true;
      this.o.log.warn({ err: payload.error, stream: this.o.name }, `${this.o.name} consumer crashed; rebuilding it`);
      if (!payload.restart && consumer === this.consumer) this.scheduleRebuild();
    });
    this.catchUp?.follow(consumer, () => this.updateReadiness());
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.o.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => this.takeBatch(batch.topic, batch.partition, batch.messages),
    });
    // run() resolves even when joining the group failed: the crash has scheduled a rebuild, and
    // there is no group to seek in.
    if (crashed) return false;
    // Where each partition starts: past what was handed over before a rebuild, or the tail.
    for (const [key, offset] of this.next) {
      const [topic, partition] = splitKey(key);
      consumer.seek({ topic, partition, offset: offset.toString() });
    }
    return true;
  }

  /** Per batch, not per record, the offset bookkeeping: this is the ingest's hot path. */
  private takeBatch(topic: string, partition: number, messages: KafkaMessage[]): void {
    const last = messages.at(-1);
    if (!last) return;
    const key = `${topic}/${partition}`;
    const mark = this.next.get(key);
    // A fetch in flight when a seek landed can still deliver what came before it.
    const fresh = mark !== undefined && BigInt(messages[0]!.offset) < mark ? messages.filter((m) => BigInt(m.offset) >= mark) : messages;
    for (const message of fresh) this.take(topic, partition, message);
    if (fresh.length > 0) this.lastRecordAt.set(topic, this.clock.now());
    const after = BigInt(last.offset) + 1n;
    if (mark === undefined || after > mark) this.next.set(key, after);
  }

  private take(topic: string, partition: number, message: KafkaMessage): void {
    this.counts.records++;
    let handled: Handled;
    try {
      handled = this.o.handle({ topic, partition, message });
    } catch (err) {
      // A handler that throws is a bug; the record is skipped, not retried for ever.
      this.counts.failed++;
      this.o.count?.(topic, 'failed');
      this.o.log.error({ err, stream: this.o.name, topic, partition, offset: message.offset }, `${this.o.name}: handling a record failed; skipped it`);
      return;
    }
    if (typeof handled === 'string') {
      this.o.count?.(topic, handled);
      return;
    }
    this.counts.invalid++;
    this.o.count?.(topic, 'invalid');
    if (this.counts.invalid <= LOGGED_INVALID || this.counts.invalid % 1000 === 0) {
      this.o.log.warn({ stream: this.o.name, topic, partition, offset: message.offset, reason: handled.invalid.slice(0, 500), invalidTotal: this.counts.invalid }, `${this.o.name}: skipped an invalid record`);
    }
  }

  private scheduleRebuild(): void {
    if (this.stopped || this.rebuildTimer) return;
    this.down = true;
    const delay = this.rebuildDelay;
    this.rebuildDelay = Math.min(this.backoff.max, delay * 2);
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = null;
      void this.rebuild();
    }, delay);
  }

  private async rebuild(): Promise<void> {
    if (this.stopped) return;
    this.counts.rebuilds++;
    this.o.log.warn({ stream: this.o.name, rebuilds: this.counts.rebuilds }, `rebuilding the ${this.o.name} consumer`);
    await this.consumer?.disconnect().catch(() => undefined);
    try {
      if (await this.run()) this.down = false;
    } catch (err) {
      this.o.log.error({ err, stream: this.o.name }, `${this.o.name} consumer rebuild failed; trying again`);
      this.scheduleRebuild();
    }
  }

  /** Resolves once the view holds everything up to the end offsets seen at start. */
  whenReady(): Promise<void> {
    if (this.caughtUp) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private updateReadiness(): void {
    if (!this.caughtUp && this.catchUp?.done) {
      this.caughtUp = true;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
      this.o.log.info({ stream: this.o.name, records: this.counts.records }, `${this.o.name} caught up`);
    }
  }
}

/** Per partition, the offset `tail` records before its end, where that is past its start. */
async function tailStarts(admin: Admin, topicNames: readonly string[], tail: number): Promise<Map<string, bigint>> {
  const starts = new Map<string, bigint>();
  for (const topic of topicNames) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const from = BigInt(p.high) - BigInt(tail);
      if (from > BigInt(p.low)) starts.set(`${topic}/${p.partition}`, from);
    }
  }
  return starts;
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf('/');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

/** Parses a record's value as JSON and checks it against a schema; an invalid result says why. */
export function parseRecord<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } }, message: KafkaMessage): { ok: true; value: T } | { ok: false; invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(message.value?.toString('utf8') ?? 'null');
  } catch (err) {
    return { ok: false, invalid: `not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, invalid: parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ') };
}
