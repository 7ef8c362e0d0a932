import type { NotificationRecord } from '../schemas/notification';

/** Where notifications go: a generic JSON webhook, or a Slack-compatible incoming webhook. */
export interface SinkSpec {
  /** Names the sink in the audit trail and in a record's deliveredTo. */
  readonly id: string;
  readonly url: string;
  readonly format: 'json' | 'slack';
}

/** The generic webhook's body: the record's fields a receiver acts on, eventId first for deduplication. */
export function jsonPayload(r: NotificationRecord, source: string): Record<string, unknown> {
  return { eventId: r.eventId, source, kind: r.kind, subject: r.subject, status: r.status, severity: r.severity, title: r.title, text: r.text, at: new Date(r.at).toISOString() };
}

const slackIcon: Record<NotificationRecord['severity'], string> = { info: ':white_check_mark:', warning: ':warning:', critical: ':rotating_light:' };

/** Slack's incoming-webhook body: `text` is what every Slack-compatible receiver shows. */
export function slackPayload(r: NotificationRecord, source: string): { text: string } {
  return { text: `${slackIcon[r.severity]} *${r.title}*\n${r.text}\n_${source} · ${new Date(r.at).toISOString()} · ${r.eventId}_` };
}

export function payloadFor(sink: SinkSpec, r: NotificationRecord, source: string): unknown {
  return sink.format === 'slack' ? slackPayload(r, source) : jsonPayload(r, source);
}

/**
 * Sinks from the environment: NOTIFY_WEBHOOK_URLS (comma-separated JSON webhooks) and
 * NOTIFY_SLACK_WEBHOOK_URL. Throws on an address that is not http(s), naming it, so that a
 * typo stops the gateway at start instead of losing every notification.
 */
export function sinksFromEnv(webhookUrls: string | undefined, slackUrl: string | undefined): SinkSpec[] {
  const sinks: SinkSpec[] = [];
  const urls = (webhookUrls ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  urls.forEach((url, i) => sinks.push({ id: urls.length === 1 ? 'webhook' : `webhook-${i + 1}`, url: checkedUrl(url, 'NOTIFY_WEBHOOK_URLS'), format: 'json' }));
  if (slackUrl?.trim()) sinks.push({ id: 'slack', url: checkedUrl(slackUrl.trim(), 'NOTIFY_SLACK_WEBHOOK_URL'), format: 'slack' });
  return sinks;
}

function checkedUrl(url: string, variable: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${variable}: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${variable}: "${url}" is not an http(s) address`);
  return parsed.toString();
}
