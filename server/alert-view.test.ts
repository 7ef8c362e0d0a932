import { describe, expect, it } from 'vitest';
import type { AlertAction } from '../lib/schemas/alert-action';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { AlertView } from './alert-view';

const alert = (alertId: string): FraudAlert => ({ alertId, rule: 'velocity', score: 0.9, cardToken: 'tok_0123456789abcdef', bin: '411111', last4: '1111', paymentIds: ['p'], eventTime: 1, detectedAt: 2 });
const ack = (alertId: string, n: number): AlertAction => ({ actionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, alertId, type: 'acknowledge', by: 'asha', at: 3 });

describe('AlertView', () => {
  it('keeps the newest alerts only, and what it sends as changed is what it still holds', () => {
    const view = new AlertView(100);
    for (let i = 0; i < 250; i++) view.addAlert(alert(`a-${i}`));
    expect(view.size).toBe(100);
    expect(view.snapshot().map((r) => r.alert.alertId)).toEqual(Array.from({ length: 100 }, (_, i) => `a-${150 + i}`));
    expect(view.takeChanged()).toHaveLength(100);
  });

  it('applies an action that arrived before its alert, and keeps waiting actions bounded', () => {
    const view = new AlertView(10);
    expect(view.applyAction(ack('early', 1))).toEqual({ kind: 'waiting' });
    view.addAlert(alert('early'));
    expect(view.snapshot()[0]!.triage.status).toBe('acknowledged');
    for (let i = 0; i < 1000; i++) view.applyAction(ack(`never-${i}`, i + 2));
    // Only the newest 10 alert ids' actions wait; an older one's alert arrives to no action.
    view.addAlert(alert('never-0'));
    view.addAlert(alert('never-999'));
    const status = Object.fromEntries(view.snapshot().map((r) => [r.alert.alertId, r.triage.status]));
    expect([status['never-0'], status['never-999']]).toEqual(['new', 'acknowledged']);
  });
});
