import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '../schemas/notification';
import { jsonPayload, sinksFromEnv, slackPayload } from './payloads';

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
});
