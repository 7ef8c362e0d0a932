import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SubscriptionRequests } from './subscription-requests';

/** A socket that counts what it sent and connects when told. */
function fakeSocket(connected: boolean) {
  const emitter = new EventEmitter();
  const sent: string[] = [];
  return {
    sent,
    connect: () => emitter.emit('connect'),
    socket: { connected, on: (event: 'connect', h: () => void) => emitter.on(event, h), emit: (event: string) => sent.push(event) },
  };
}

describe('SubscriptionRequests', () => {
  it('asks once per connect for a stream two stores listen to', () => {
    const f = fakeSocket(false);
    const requests = new SubscriptionRequests<string>(f.socket);
    requests.ask('pipeline:subscribe');
    requests.ask('pipeline:subscribe');
    requests.ask('lag:subscribe');
    expect(f.sent).toEqual([]);
    f.connect();
    f.connect();
    expect(f.sent).toEqual(['pipeline:subscribe', 'lag:subscribe', 'pipeline:subscribe', 'lag:subscribe']);
  });

  it('asks at once when already connected, and again on the next connect', () => {
    const f = fakeSocket(true);
    const requests = new SubscriptionRequests<string>(f.socket);
    requests.ask('analytics:subscribe');
    requests.ask('analytics:subscribe');
    expect(f.sent).toEqual(['analytics:subscribe']);
    f.connect();
    expect(f.sent).toEqual(['analytics:subscribe', 'analytics:subscribe']);
  });
});
