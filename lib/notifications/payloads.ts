import type { NotificationRecord } from '../schemas/notification';
import { SinkUrl, type NotifySink } from '../schemas/notify-sink';

/** Where notifications go: a generic JSON webhook, or a Slack-compatible incoming webhook. */
export interface SinkSpec {
  /** Names the sink in the audit trail and in a record's deliveredTo. */
  readonly id: string;
  readonly url: string;
  readonly format: 'json' | 'slack';
  /** Changes seen before this (epoch ms) are not sent to it: a sink added in /admin hears only what follows. */
  readonly since: number;
  readonly source: 'environment' | 'admin';
}

/** The notifier's view of a sink set in /admin. */
export function sinkOf(s: NotifySink): SinkSpec {
  return { id: s.id, url: s.url, format: s.format, since: s.createdAt, source: 'admin' };
}

/**
 * An address as the admin API shows it: scheme, host and the path's last 4 characters. A Slack
 * incoming-webhook address is its own credential, so nobody reads it back, admins included.
 */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = `${u.pathname}${u.search}`;
    return path.length <= 1 ? `${u.protocol}//${u.host}/` : `${u.protocol}//${u.host}/…${path.slice(-4)}`;
  } catch {
    return '…';
  }
}

/** What a payload is made from: a recorded change, or the test message /admin sends. */
export type Message = Pick<NotificationRecord, 'eventId' | 'subject' | 'status' | 'severity' | 'title' | 'text' | 'at'> & { readonly kind: NotificationRecord['kind'] | 'test' };

/** The message an admin's "Send test" posts: kind "test", so receivers can tell it from a real change. */
export function testMessage(sinkId: string, by: string, at: number): Message {
  return { eventId: `test:${sinkId}@${at}`, subject: `test:${sinkId}`, kind: 'test', status: 'test', severity: 'info', title: 'Streamwatch test notification', text: `Sent from /admin by ${by} to check the sink ${sinkId}.`, at };
}

/** The generic webhook's body: the record's fields a receiver acts on, eventId first for deduplication. */
export function jsonPayload(r: Message, source: string): Record<string, unknown> {
  return { eventId: r.eventId, source, kind: r.kind, subject: r.subject, status: r.status, severity: r.severity, title: r.title, text: r.text, at: new Date(r.at).toISOString() };
}

const slackIcon: Record<NotificationRecord['severity'], string> = { info: ':white_check_mark:', warning: ':warning:', critical: ':rotating_light:' };

/** Slack's incoming-webhook body: `text` is what every Slack-compatible receiver shows. */
export function slackPayload(r: Message, source: string): { text: string } {
  return { text: `${slackIcon[r.severity]} *${r.title}*\n${r.text}\n_${source} · ${new Date(r.at).toISOString()} · ${r.eventId}_` };
}

export function payloadFor(sink: Pick<SinkSpec, 'format'>, r: Message, source: string): unknown {
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
  urls.forEach((url, i) => sinks.push({ id: urls.length === 1 ? 'webhook' : `webhook-${i + 1}`, url: checkedUrl(url, 'NOTIFY_WEBHOOK_URLS'), format: 'json', since: 0, source: 'environment' }));
  if (slackUrl?.trim()) sinks.push({ id: 'slack', url: checkedUrl(slackUrl.trim(), 'NOTIFY_SLACK_WEBHOOK_URL'), format: 'slack', since: 0, source: 'environment' });
  return sinks;
}

function checkedUrl(url: string, variable: string): string {
  const checked = SinkUrl.safeParse(url);
  if (!checked.success) throw new Error(`${variable}: ${checked.error.issues[0]!.message}`);
  return new URL(url).toString();
}
