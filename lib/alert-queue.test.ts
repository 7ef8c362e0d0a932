import { describe, expect, it } from 'vitest';
import { initialTriage, type TriageStatus } from './alert-workflow';
import { countByStatus, nextSelection, openAlerts, triageQueue } from './alert-queue';
import type { AlertRecord } from './protocol';
import type { FraudAlert } from './schemas/fraud-alert';

const record = (alertId: string, status: TriageStatus, score: number, detectedAt: number, rule: FraudAlert['rule'] = 'velocity'): AlertRecord => ({
  alert: { alertId, rule, score, cardToken: 'tok_0123456789', bin: '411111', last4: '1111', paymentIds: ['p'], eventTime: detectedAt - 500, detectedAt },
  triage: { ...initialTriage, status },
});

const ids = (rs: readonly AlertRecord[]) => rs.map((r) => r.alert.alertId);

describe('triage queue', () => {
  const all = [
    record('resolved-high', 'resolved', 0.99, 5),
    record('ack-low', 'acknowledged', 0.4, 9),
    record('new-low-newer', 'new', 0.5, 8),
    record('new-low-older', 'new', 0.5, 2),
    record('new-high', 'new', 0.9, 1, 'card-testing'),
    record('assigned', 'assigned', 0.95, 3),
  ];

  it('puts untouched alerts first, then by score, then newest', () => {
    expect(ids(triageQueue(all, { statuses: [], rule: 'all', minScore: 0 }))).toEqual([
      'new-high', 'new-low-newer', 'new-low-older', 'ack-low', 'assigned', 'resolved-high',
    ]);
  });

  it('hides resolved alerts in the open view', () => {
    expect(ids(triageQueue(all, openAlerts))).not.toContain('resolved-high');
  });

  it('filters by rule and minimum score', () => {
    expect(ids(triageQueue(all, { statuses: [], rule: 'card-testing', minScore: 0 }))).toEqual(['new-high']);
    expect(ids(triageQueue(all, { statuses: ['new'], rule: 'all', minScore: 0.6 }))).toEqual(['new-high']);
  });

  it('counts every status whatever the filter', () => {
    expect(countByStatus(all)).toEqual({ new: 3, acknowledged: 1, assigned: 1, resolved: 1 });
  });

  it('keeps the selection while the alert is listed, else moves to the one now in its place', () => {
    const q = triageQueue(all, openAlerts);
    expect(nextSelection(q, 'ack-low', 0)).toBe('ack-low');
    expect(nextSelection(q, 'resolved-high', 1)).toBe('new-low-newer');
    expect(nextSelection(q, 'gone', 99)).toBe('assigned');
    expect(nextSelection([], 'gone', 0)).toBeNull();
  });
});
