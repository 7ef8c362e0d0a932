import { describe, expect, it } from 'vitest';
import { roles } from './access';
import { findCardNumbers } from './redact';
import { coarsePayload, protectionClassOf, safePayload, showAlertRecord, showPipelineData } from './protection';
import type { AlertRecord, PipelineData } from './protocol';
import { topics } from './topics';

const record: AlertRecord = {
  alert: {
    alertId: 'a-1', rule: 'velocity', score: 0.9, cardToken: 'tok_abcdef012345', bin: '411111', last4: '1111',
    paymentIds: ['p-1'], lat: 52.520123, lon: 13.404987, eventTime: 1_700_000_000_000, detectedAt: 1_700_000_001_000,
  },
  triage: { status: 'new', assignee: null, resolution: null, history: [] } as unknown as AlertRecord['triage'],
};

describe('showAlertRecord', () => {
  it('gives each role exactly its card view and location precision', () => {
    const shown = Object.fromEntries(roles.map((r) => {
      const a = showAlertRecord(record, r).alert;
      return [r, [a.bin, a.last4, a.cardToken, a.lat, a.lon]];
    }));
    expect(shown).toEqual({
      admin: ['411111', '1111', 'tok_abcdef012345', 52.520123, 13.404987],
      'fraud-analyst': ['411111', '1111', 'tok_abcdef012345', 52.520123, 13.404987],
      ops: [null, '1111', 'tok_abcdef012345', 52.5225, 13.4025],
      viewer: [null, null, null, 52.5225, 13.4025],
      wall: [null, null, null, 52.5225, 13.4025],
      embed: [null, null, null, 52.5225, 13.4025],
    });
  });

  it('leaves the stored record untouched', () => {
    showAlertRecord(record, 'wall');
    expect(record.alert.bin).toBe('411111');
  });
});

describe('payload protection', () => {
  const key = 'test-pseudonym-key';
  it('pseudonymises rider ids and masks card numbers, in broken JSON too', () => {
    const text = safePayload('{"riderId":"rdr-000042","cardNumber":"4111111111111111","lat":52.5201', key);
    expect(text).not.toContain('rdr-000042');
    expect(text).toMatch(/"riderId":"rider_[0-9a-f]{16}"/);
    expect(findCardNumbers(text)).toEqual([]);
    expect(text).toContain('411111••••••1111');
    expect(safePayload('{"requestId":"r1","riderId":"rdr-00', key)).toMatch(/"riderId":"rider_[0-9a-f]{16}$/);
    expect(safePayload('{"riderId":"rdr-000042"}', key)).toBe(safePayload('{"riderId":"rdr-000042"}', key));
  });

  it('coarsens every location field and leaves other numbers alone', () => {
    expect(coarsePayload('{"lat":52.520123,"lon":13.404987,"ipLat":-33.9,"ipLon":1e-3,"ts":1700000000000}')).toBe(
      '{"lat":52.5225,"lon":13.4025,"ipLat":-33.8975,"ipLon":0.0025,"ts":1700000000000}',
    );
    expect(coarsePayload('{"lat":"north-ish"}')).toBe('{"lat":"north-ish"}');
  });
});

describe('showPipelineData', () => {
  const data: PipelineData = {
    at: 1,
    topics: [{ topic: topics.rideRequestsRaw.name, end: 10, records: 10 }],
    quarantine: [{
      topic: topics.rideRequestsDlq.name, count: 1, reasons: { 'bad lat': 1 },
      samples: [{ partition: 0, offset: '7', at: 1, reason: 'bad lat', source: null, job: null, payload: '{"lat":52.520123}', coarsePayload: '{"lat":52.5225}' }],
    }],
  };
  it('sends samples only to roles that may see quarantined data, coarse unless precise', () => {
    const payloads = Object.fromEntries(roles.map((r) => [r, showPipelineData(data, r).quarantine[0]!.samples.map((s) => s.payload)]));
    expect(payloads).toEqual({
      admin: ['{"lat":52.520123}'], 'fraud-analyst': ['{"lat":52.520123}'], ops: ['{"lat":52.5225}'], viewer: [], wall: [], embed: [],
    });
    expect(roles.map((r) => showPipelineData(data, r).quarantine[0]!.count)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(JSON.stringify(showPipelineData(data, 'ops'))).not.toContain('52.520123');
    expect(roles.map((r) => showPipelineData(data, r).topics.length)).toEqual([1, 0, 1, 1, 1, 0]);
  });

  it('groups roles whose projections are the same', () => {
    expect(new Set(roles.map(protectionClassOf)).size).toBe(5);
    expect(protectionClassOf('viewer')).toBe(protectionClassOf('wall'));
    expect(protectionClassOf('admin')).not.toBe(protectionClassOf('fraud-analyst'));
  });
});
