import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { PipelineData, TopicOffsets } from '../lib/protocol';
import { topics } from '../lib/topics';
import { QuarantineView } from './quarantine-view';
import { ReplayedStream, type IngestBase } from './replayed-stream';

/** Topics holding what the pipeline set aside rather than processed, as the page names them. */
export const quarantineTopics = [topics.driverLocationsDlq.name, topics.rideRequestsDlq.name, topics.tripEventsDlq.name, topics.paymentsDlq.name, topics.lateEvents.name];
/** Where each is read: dlq.payments (PCI scope, which the gateway may not read) through its payload-free notices. */
const readFrom = (topic: string): string => (topic === topics.paymentsDlq.name ? topics.paymentsDlqNotices.name : topic);
const shownAs = new Map(quarantineTopics.map((t) => [readFrom(t), t]));

export interface PipelineDataOptions extends IngestBase {
  readonly admin: Admin;
  /** How often topic sizes are polled. */
  readonly pollMs: number;
  /** Keys rider pseudonyms in quarantined payloads. */
  readonly pseudonymKey: string;
  readonly clock?: { now(): number };
}

/**
 * Everything the pipeline page needs besides Flink's REST API: the size of every catalog topic
 * (polled, so the page can show rates) and the dead letters and late events, read from the
 * beginning into a QuarantineView.
 */
export class PipelineDataMonitor {
  onData: (data: PipelineData) => void = () => undefined;
  private readonly quarantine: QuarantineView;
  readonly stream: ReplayedStream;
  private offsets: TopicOffsets[] = [];
  private at = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  private readonly admin: Admin;
  private readonly pollMs: number;
  private readonly log: Logger;
  private readonly clock: { now(): number };

  constructor({ kafka, groupId, admin, pollMs, log, pseudonymKey, clock = Date, count }: PipelineDataOptions) {
    this.admin = admin;
    this.pollMs = pollMs;
    this.log = log;
    this.clock = clock;
    this.quarantine = new QuarantineView(quarantineTopics, pseudonymKey);
    this.stream = new ReplayedStream({
      kafka,
      name: 'quarantine',
      groupId,
      topics: quarantineTopics.map(readFrom),
      // Every dead letter is counted; the view keeps counts and the newest few of each topic.
      handle: ({ topic, partition, message }) => {
        this.quarantine.add(shownAs.get(topic) ?? topic, partition, message);
        return 'applied';
      },
      log,
      count,
      maxWaitTimeInMs: 250,
      clock,
    });
  }

  get data(): PipelineData {
    return { at: this.at, topics: this.offsets, quarantine: this.quarantine.report() };
  }

  async start(): Promise<void> {
    await this.stream.start();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    void this.poll();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stream.stop();
  }

  private async poll(): Promise<void> {
    try {
      const names = Object.values(topics).map((t) => t.name);
      this.offsets = await Promise.all(
        names.map(async (topic) => {
          const partitions = await this.admin.fetchTopicOffsets(topic);
          const end = partitions.reduce((sum, p) => sum + Number(p.high), 0);
          const start = partitions.reduce((sum, p) => sum + Number(p.low), 0);
          return { topic, end, records: end - start };
        }),
      );
      this.at = this.clock.now();
      this.onData(this.data);
    } catch (err) {
      // The broker being away is shown as degraded elsewhere; try again next poll.
      this.log.debug({ err }, 'topic offsets poll failed');
    }
  }
}
