import { maskedUrl, sinkOf, type SinkSpec } from '../lib/notifications/payloads';
import { NotifySink, type SinkRow } from '../lib/schemas/notify-sink';

/** Sinks in all, from the environment and /admin: a notification record names at most 16 that told it. */
export const MAX_SINKS = 16;

/** Writes a sink's record (null: a tombstone, removing it) to governance.notify-sinks. */
export type PublishSink = (id: string, sink: NotifySink | null) => Promise<void>;

/**
 * The notification sinks: those of the environment (fixed, read-only here) and those set in
 * /admin, as governance.notify-sinks says. Every gateway replays the compacted topic, so the one
 * elected sender posts to the same sinks whichever gateway an admin used. A change is written to
 * the topic first and applied here once written; other gateways apply it when they read it.
 */
export class NotifySinkDirectory {
  private readonly fromTopic = new Map<string, NotifySink>();
  /** Called after a sink was added, changed or removed. */
  onChanged: () => void = () => undefined;

  constructor(
    private readonly fromEnv: readonly SinkSpec[],
    private readonly publish: PublishSink,
    private readonly clock: { now(): number } = Date,
  ) {}

  /** A record read from the topic (null: the sink was removed). One named like an environment sink is refused. */
  apply(id: string, sink: NotifySink | null): 'applied' | { invalid: string } {
    if (this.isFromEnvironment(id)) return { invalid: `sink ${id} is set by the environment; the record is ignored` };
    if (sink) {
      // Past the bound a sink already known may change, a new one is not taken (the API refuses it first).
      if (!this.fromTopic.has(id) && this.size >= MAX_SINKS) return { invalid: `more than ${MAX_SINKS} sinks: ${id} ignored` };
      this.fromTopic.set(id, sink);
    } else if (!this.fromTopic.delete(id)) return 'applied';
    this.onChanged();
    return 'applied';
  }

  get size(): number {
    return this.fromEnv.length + this.fromTopic.size;
  }

  /** Every sink the notifier posts to, the environment's first. */
  sinks(): SinkSpec[] {
    return [...this.fromEnv, ...[...this.fromTopic.values()].map(sinkOf)];
  }

  get(id: string): SinkSpec | undefined {
    return this.sinks().find((s) => s.id === id);
  }

  isFromEnvironment(id: string): boolean {
    return this.fromEnv.some((s) => s.id === id);
  }

  list(): SinkRow[] {
    const env = this.fromEnv.map((s): SinkRow => ({ id: s.id, format: s.format, url: maskedUrl(s.url), source: 'environment', createdAt: null, updatedAt: null, updatedBy: null }));
    const admin = [...this.fromTopic.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((s): SinkRow => ({ id: s.id, format: s.format, url: maskedUrl(s.url), source: 'admin', createdAt: s.createdAt, updatedAt: s.updatedAt, updatedBy: s.updatedBy }));
    return [...env, ...admin];
  }

  /** Adds a sink or replaces one's address or format (it keeps its createdAt: it has heard what it heard). */
  async put(id: string, format: SinkSpec['format'], url: string, by: string): Promise<NotifySink> {
    const now = this.clock.now();
    const sink = NotifySink.parse({ id, format, url, createdAt: this.fromTopic.get(id)?.createdAt ?? now, updatedAt: now, updatedBy: by });
    await this.publish(id, sink);
    this.apply(id, sink);
    return sink;
  }

  /** False when no such sink was set in /admin. */
  async remove(id: string): Promise<boolean> {
    if (!this.fromTopic.has(id)) return false;
    await this.publish(id, null);
    this.apply(id, null);
    return true;
  }
}
