import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '../schemas/notification';
import { NotifySink } from '../schemas/notify-sink';
import { jsonPayload, maskedUrl, sinkOf, sinksFromEnv, slackPayload } from './payloads';

const record: NotificationRecord = {
  subject: 'lag:g', kind: 'lag-status', status: 'STOP', severity: 'critical', title: 'Consumer group g is STOP', text: 'lag 42 records',
  at: Date.UTC(2026, 11, 6, 5, 0, 0), eventId: 'lag:g@1:STOP', notify: true, deliveredTo: [], abandonedBy: [],
};

describe('notification payloads', () => {
  it('carry the event id for receivers that deduplicate', () => {
    expect(jsonPayload(record, 'gw-1')).toMatchObject({ eventId: 'lag:g@1:STOP', source: 'gw-1', status: 'STOP', at: '2026-12-06T05:00:00.000Z' });
    expect(slackPayload(record, 'gw-1').text).toContain('*Consumer group g is STOP*');
    expect(slackPayload(record, 'gw-1').text).toContain('lag:g@1:STOP');
  });

  it('come from the environment, and a bad address stops the start naming the variable', () => {
    expect(sinksFromEnv(undefined, undefined)).toEqual([]);
    expect(sinksFromEnv('http://a.test/hook, https://b.test/x', 'https://hooks.slack.test/T/B/C').map((s) => [s.id, s.format])).toEqual([
      ['webhook-1', 'json'],
      ['webhook-2', 'json'],
      ['slack', 'slack'],
    ]);
    expect(() => sinksFromEnv('ftp://a.test', undefined)).toThrow(/NOTIFY_WEBHOOK_URLS.*http/);
    expect(() => sinksFromEnv(undefined, 'not a url')).toThrow(/NOTIFY_SLACK_WEBHOOK_URL/);
  });

  it('refuse, from the environment and from /admin alike, addresses that are not http(s) or carry a password', () => {
    expect(() => sinksFromEnv('https://user:secret@hooks.test/x', undefined)).toThrow(/NOTIFY_WEBHOOK_URLS.*user name or password/);
    const sink = { id: 'ops-slack', format: 'slack', createdAt: 1, updatedAt: 1, updatedBy: 'admin' };
    expect(NotifySink.safeParse({ ...sink, url: 'https://hooks.slack.test/services/T0/B0/abcdef123456' }).success).toBe(true);
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://a.test/x', 'https://u:p@a.test/x', 'not a url', `https://a.test/${'x'.repeat(2000)}`]) {
      expect(NotifySink.safeParse({ ...sink, url }).success, url).toBe(false);
    }
    for (const id of ['', '-lead', 'UPPER', 'has space', 'a'.repeat(33), '../x']) expect(NotifySink.safeParse({ ...sink, id, url: 'https://a.test/' }).success, id).toBe(false);
  });

  it('hear only what follows when added in /admin; the environment\'s hear everything not yet told', () => {
    expect(sinkOf({ id: 'ops', format: 'json', url: 'https://a.test/h', createdAt: 5_000, updatedAt: 6_000, updatedBy: 'admin' })).toEqual({ id: 'ops', format: 'json', url: 'https://a.test/h', since: 5_000, source: 'admin' });
    expect(sinksFromEnv('https://a.test/h', undefined)[0]).toMatchObject({ since: 0, source: 'environment' });
  });

  it('are shown masked: scheme, host and the last four characters of the path', () => {
    expect(maskedUrl('https://hooks.slack.com/services/T000/B000/XXXXsecretabcd')).toBe('https://hooks.slack.com/…abcd');
    expect(maskedUrl('http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000/');
    expect(maskedUrl('https://a.test/hook?token=s3cr3t-wxyz')).toBe('https://a.test/…wxyz');
    expect(maskedUrl('nonsense')).toBe('…');
  });
});
