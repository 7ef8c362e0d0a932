import type { KafkaMessage } from 'kafkajs';
import type { QuarantinedTopic, QuarantineSample } from '../lib/protocol';
import { coarsePayload, safePayload } from '../lib/protection';
import { deadLetterHeaders, lateEventHeaders, topics } from '../lib/topics';

/** Topics whose payloads hold full card numbers: counted and explained, never shown. */
const withheld = new Set<string>([topics.paymentsDlq.name]);
const PAYLOAD_CHARS = 300;
const MAX_REASONS = 50;
const OTHER_REASONS = '(other reasons)';

const header = (m: KafkaMessage, name: string): string | null => {
  const v = m.headers?.[name];
  if (v === undefined) return null;
  return (Array.isArray(v) ? v[0] : v)?.toString() ?? null;
};

/**
 * Dead letters and late events per topic: a count per reason over everything on the topic and
 * the newest few records, as text safe to show (card numbers masked, PCI payloads withheld,
 * rider ids pseudonymised; a coarse-location copy for roles that may not see precise ones).
 */
export class QuarantineView {
  private readonly byTopic = new Map<string, { count: number; reasons: Map<string, number>; samples: QuarantineSample[] }>();

  constructor(
    topicNames: readonly string[],
    /** Keys rider pseudonyms in payloads. */
    private readonly pseudonymKey: string,
    private readonly samplesPerTopic = 10,
  ) {
    for (const t of topicNames) this.byTopic.set(t, { count: 0, reasons: new Map(), samples: [] });
  }

  add(topic: string, partition: number, m: KafkaMessage): void {
    const entry = this.byTopic.get(topic);
    if (!entry) return;
    const late = header(m, lateEventHeaders.job) !== null;
    const reason = late ? lateReason(m) : (header(m, deadLetterHeaders.reason) ?? 'no reason recorded');
    const [srcTopic, srcPartition, srcOffset] = late
      ? [header(m, lateEventHeaders.sourceTopic), header(m, lateEventHeaders.sourcePartition), header(m, lateEventHeaders.sourceOffset)]
      : [header(m, deadLetterHeaders.sourceTopic), header(m, deadLetterHeaders.sourcePartition), header(m, deadLetterHeaders.sourceOffset)];
    entry.count++;
    // Reasons come from upstream headers: a flood of distinct ones must not grow the map for ever.
    const reasonKey = late ? 'late' : entry.reasons.has(reason) || entry.reasons.size < MAX_REASONS ? reason : OTHER_REASONS;
    entry.reasons.set(reasonKey, (entry.reasons.get(reasonKey) ?? 0) + 1);
    const raw = m.value === null || withheld.has(topic) ? null : m.value.toString('utf8');
    const text = raw === null ? null : safePayload(raw.length > PAYLOAD_CHARS ? `${raw.slice(0, PAYLOAD_CHARS)}…` : raw, this.pseudonymKey);
    entry.samples.push({
      partition,
      offset: m.offset,
      at: Number(m.timestamp),
      reason,
      source: srcTopic ? `${srcTopic}[${srcPartition ?? '?'}]@${srcOffset ?? '?'}` : null,
      job: header(m, late ? lateEventHeaders.job : deadLetterHeaders.job),
      payload: text,
      coarsePayload: text === null ? null : coarsePayload(text),
    });
    if (entry.samples.length > this.samplesPerTopic) entry.samples.shift();
  }

  report(): QuarantinedTopic[] {
    return [...this.byTopic].map(([topic, e]) => ({ topic, count: e.count, reasons: Object.fromEntries(e.reasons), samples: [...e.samples].reverse() }));
  }
}

function lateReason(m: KafkaMessage): string {
  const eventTime = instant(header(m, lateEventHeaders.eventTime));
  const watermark = instant(header(m, lateEventHeaders.watermark));
  if (eventTime === null || watermark === null) return 'late';
  // Flink counts an event at the watermark as late already.
  return watermark === eventTime ? 'late: at the watermark' : `late: ${((watermark - eventTime) / 1000).toFixed(1)} s behind the watermark`;
}

/** Epoch ms from Flink's SQL timestamp text ("2026-11-25 15:01:01.123", UTC session) or digits. */
function instant(text: string | null): number | null {
  if (!text) return null;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(`${text.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : null;
}
