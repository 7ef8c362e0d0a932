import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { initialTriage } from '../../lib/alert-workflow';
import { ALERTS_KEPT, type ActionResult, type AlertRecord } from '../../lib/protocol';
import { AlertStore } from './alert-store';
import type { LiveSocket } from './socket-connection';

/** Socket.IO client stand-in: server events in, actions recorded with their acknowledgement. */
class FakeSocket extends EventEmitter {
  connected = true;
  subscribed = 0;
  actions: { request: { alertId: string; type: string }; answer: (err: Error | null, result?: ActionResult) => void }[] = [];
  timeout(): this {
    return this;
  }
  override emit(event: string, ...args: unknown[]): boolean {
    if (event === 'alerts:subscribe') this.subscribed++;
    if (event === 'alerts:action') this.actions.push({ request: args[0] as never, answer: args[1] as never });
    return true;
  }
  receive(event: string, payload?: unknown): void {
    super.emit(event, payload);
  }
}

const record = (alertId: string, status: AlertRecord['triage']['status'] = 'new'): AlertRecord => ({
  alert: { alertId, rule: 'velocity', score: 0.9, cardToken: 'tok_0123456789', bin: '411111', last4: '1111', paymentIds: ['p'], eventTime: 1, detectedAt: 2 },
  triage: { ...initialTriage, status },
});
const uuid = '0b8f6f3e-8f5a-4b8e-9a4e-2f1f0c2d9a11';

function setup() {
  const socket = new FakeSocket();
  const frames: (() => void)[] = [];
  const store = new AlertStore(socket as unknown as LiveSocket, (cb) => frames.push(cb), () => 5_000);
  let notified = 0;
  store.subscribe(() => notified++);
  const flush = () => frames.splice(0).forEach((cb) => cb());
  const status = (id: string) => store.getSnapshot().records.find((r) => r.alert.alertId === id)?.triage.status;
  return { socket, store, flush, status, notified: () => notified };
}

describe('AlertStore', () => {
  it('subscribes, takes the snapshot, merges updates, and notifies once per frame', () => {
    const { socket, store, flush, status, notified } = setup();
    expect(socket.subscribed).toBe(1);
    socket.receive('alerts:snapshot', [record('a'), record('b')]);
    socket.receive('alerts:update', [record('b', 'acknowledged'), record('c')]);
    flush();
    expect(notified()).toBe(1);
    expect(store.getSnapshot()).toMatchObject({ loaded: true, receivedAt: 5_000 });
    expect([status('a'), status('b'), status('c')]).toEqual(['new', 'acknowledged', 'new']);
  });

  it('shows an action at once and keeps it when the gateway takes it', async () => {
    const { socket, store, status } = setup();
    socket.receive('alerts:snapshot', [record('a')]);
    const done = store.act({ type: 'acknowledge', actionId: uuid, alertId: 'a' }, 'asha');
    expect(status('a')).toBe('acknowledged');
    expect(store.getSnapshot().pending.has('a')).toBe(true);
    socket.receive('alerts:update', [record('a', 'acknowledged')]);
    socket.actions[0]!.answer(null, { ok: true });
    expect(await done).toBeNull();
    expect(status('a')).toBe('acknowledged');
    expect(store.getSnapshot().pending.size).toBe(0);
  });

  it('rolls a refused action back and says why', async () => {
    const { socket, store, status } = setup();
    socket.receive('alerts:snapshot', [record('a')]);
    const done = store.act({ type: 'acknowledge', actionId: uuid, alertId: 'a' }, 'asha');
    socket.actions[0]!.answer(null, { ok: false, reason: 'the alert is already assigned' });
    expect(await done).toBe('the alert is already assigned');
    expect(status('a')).toBe('new');
    expect(store.getSnapshot().refused).toEqual({ alertId: 'a', reason: 'the alert is already assigned', at: 5_000 });
  });

  it('rolls back when the gateway never answers', async () => {
    const { socket, store, status } = setup();
    socket.receive('alerts:snapshot', [record('a')]);
    const done = store.act({ type: 'assign', assignee: 'ravi', actionId: uuid, alertId: 'a' }, 'asha');
    socket.actions[0]!.answer(new Error('operation has timed out'));
    expect(await done).toBe('the gateway did not answer in time');
    expect(status('a')).toBe('new');
  });

  it('refuses locally what the workflow forbids, without sending it', async () => {
    const { socket, store } = setup();
    socket.receive('alerts:snapshot', [record('a', 'resolved')]);
    expect(await store.act({ type: 'acknowledge', actionId: uuid, alertId: 'a' }, 'asha')).toBe('the alert is already resolved');
    expect(socket.actions).toHaveLength(0);
  });

  it('resubscribes after a reconnect', () => {
    const { socket, store } = setup();
    socket.receive('disconnect');
    expect(store.getSnapshot().connection).toBe('reconnecting');
    socket.receive('connect');
    expect(socket.subscribed).toBe(2);
    expect(store.getSnapshot().connection).toBe('live');
  });
});

describe('AlertStore on a wall left on for weeks', () => {
  it('holds only the newest ALERTS_KEPT alerts, however many updates arrive', () => {
    const { socket, store, flush } = setup();
    socket.receive('connect');
    socket.receive('alerts:snapshot', []);
    for (let batch = 0; batch < 30; batch++) socket.receive('alerts:update', Array.from({ length: 100 }, (_, i) => record(`a-${batch * 100 + i}`)));
    flush();
    const ids = store.getSnapshot().records.map((r) => r.alert.alertId);
    expect(ids).toHaveLength(ALERTS_KEPT);
    expect(ids).toContain('a-2999');
    expect(ids).not.toContain('a-999');
  });
});
