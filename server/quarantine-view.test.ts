import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { pseudonymise } from '../lib/pseudonym';
import { findCardNumbers } from '../lib/redact';
import { topics } from '../lib/topics';
import { QuarantineView } from './quarantine-view';

const [RAW_PINGS, DLQ_PINGS, DLQ_PAYMENTS, DLQ_REQUESTS, LATE] = [topics.driverLocationsRaw.name, topics.driverLocationsDlq.name, topics.paymentsDlq.name, topics.rideRequestsDlq.name, topics.lateEvents.name];

const KEY = 'quarantine-test-pseudonym-key';

const message = (offset: number, value: string, headers: Record<string, string>): KafkaMessage =>
  ({ offset: String(offset), timestamp: '1700000000000', key: null, value: Buffer.from(value), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])), attributes: 0 }) as KafkaMessage;

const dead = (offset: number, reason: string, value = '{"driverId":"d1","lat":"north"}') =>
  message(offset, value, { 'dlq.reason': reason, 'dlq.source.topic': RAW_PINGS, 'dlq.source.partition': '2', 'dlq.source.offset': String(100 + offset), 'dlq.job': 'drivers-positions' });

describe('QuarantineView', () => {
  it('counts every record by reason and keeps the newest samples, newest first', () => {
    const view = new QuarantineView([DLQ_PINGS], KEY, 2);
    view.add(DLQ_PINGS, 0, dead(0, 'not JSON'));
    view.add(DLQ_PINGS, 0, dead(1, 'lat: expected number'));
    view.add(DLQ_PINGS, 0, dead(2, 'not JSON'));
    const [t] = view.report();
    expect(t).toMatchObject({ topic: DLQ_PINGS, count: 3, reasons: { 'not JSON': 2, 'lat: expected number': 1 } });
    expect(t!.samples.map((s) => s.offset)).toEqual(['2', '1']);
    expect(t!.samples[0]).toMatchObject({ source: `${RAW_PINGS}[2]@102`, job: 'drivers-positions', reason: 'not JSON', payload: '{"driverId":"d1","lat":"north"}' });
  });

  it('withholds payment payloads and masks card numbers anywhere else', () => {
    const view = new QuarantineView([DLQ_PAYMENTS, DLQ_REQUESTS], KEY);
    view.add(DLQ_PAYMENTS, 0, dead(0, 'amount: expected number', '{"cardNumber":"4111111111111111","amount":"x"}'));
    view.add(DLQ_REQUESTS, 0, dead(0, 'not JSON', 'oops 5555555555554444 oops'));
    const [payments, requests] = view.report();
    expect(payments!.samples[0]!.payload).toBeNull();
    expect(payments!.reasons).toEqual({ 'amount: expected number': 1 });
    expect(requests!.samples[0]!.payload).toBe('oops 555555••••••4444 oops');
    expect(findCardNumbers(JSON.stringify(view.report()))).toEqual([]);
  });

  it('explains a late event by how far behind the watermark it was', () => {
    const view = new QuarantineView([LATE], KEY);
    view.add(LATE, 0, message(0, '{}', {
      'late.source.topic': topics.rideRequestsRaw.name, 'late.source.partition': '1', 'late.source.offset': '7',
      'late.event.time': '2026-11-25 15:00:00.000', 'late.watermark': '2026-11-25 15:01:02.500', 'late.job': 'surge',
    }));
    view.add(LATE, 0, message(1, '{}', { 'late.event.time': '2026-11-25 15:00:00.000', 'late.watermark': '2026-11-25 15:00:00.000', 'late.job': 'surge' }));
    const [late] = view.report();
    expect(late!.reasons).toEqual({ late: 2 });
    expect(late!.samples.map((x) => x.reason)).toEqual(['late: at the watermark', 'late: 62.5 s behind the watermark']);
    expect(late!.samples[1]).toMatchObject({ source: 'raw.ride-requests[1]@7', job: 'surge' });
  });

  it('ignores topics it was not told about and cuts long payloads', () => {
    const view = new QuarantineView([DLQ_PINGS], KEY);
    view.add('somewhere.else', 0, dead(0, 'x'));
    view.add(DLQ_PINGS, 0, dead(1, 'too big', 'x'.repeat(1000)));
    const [t] = view.report();
    expect(view.report()).toHaveLength(1);
    expect(t!.samples[0]!.payload).toHaveLength(301);
  });

  it('pseudonymises riders and keeps a coarse-location copy', () => {
    const view = new QuarantineView([DLQ_REQUESTS], KEY);
    view.add(DLQ_REQUESTS, 0, dead(0, 'lat: out of range', '{"riderId":"rdr-000042","lat":123.4,"lon":13.404987}'));
    const [t] = view.report();
    expect(t!.samples[0]!.payload).toBe(`{"riderId":"${pseudonymise('rdr-000042', KEY)}","lat":123.4,"lon":13.404987}`);
    expect(t!.samples[0]!.coarsePayload).toBe(`{"riderId":"${pseudonymise('rdr-000042', KEY)}","lat":123.4025,"lon":13.4025}`);
    expect(JSON.stringify(view.report())).not.toContain('rdr-000042');
  });
});
