import { describe, expect, it } from 'vitest';
import { initialTriage } from '../../lib/alert-workflow';
import type { AlertRecord } from '../../lib/protocol';
import { alertMarkers } from './alert-layer';

const record = (alertId: string, status: AlertRecord['triage']['status'], located = true): AlertRecord => ({
  alert: { alertId, rule: 'impossible-travel', score: 0.9, cardToken: 'tok_0123456789', bin: '411111', last4: '1111', paymentIds: ['p'], eventTime: 1, detectedAt: 2, ...(located ? { lat: 12.9, lon: 77.6 } : {}) },
  triage: { ...initialTriage, status },
});

describe('alertMarkers', () => {
  it('marks open alerts that have a location', () => {
    const marked = alertMarkers([record('a', 'new'), record('b', 'assigned'), record('c', 'resolved'), record('d', 'new', false)]);
    expect(marked.map((r) => r.alert.alertId)).toEqual(['a', 'b']);
  });
});
