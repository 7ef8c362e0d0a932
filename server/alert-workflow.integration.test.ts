import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkajsSecurity, kafkaSecurityEnv } from '../lib/kafka-auth';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { sessionCookie } from './testing/credentials';
import { operatorClient } from './testing/operator-client';
import { until } from './testing/until';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/** Triage shared by two gateway instances on one broker, and rebuilt by a third. */
const run = Date.now().toString(36);
const brokers = inject('brokers');
const kafka = new Kafka({ clientId: 'alert-test', brokers: brokers.split(','), ...kafkajsSecurity(kafkaAuth.admin), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const gateways: TestGateway[] = [];
const sockets: Socket[] = [];

async function gateway(name: string) {
  const port = (await freePorts(1))[0]!;
  const g = await startTestGateway({ PORT: String(port), KAFKA_BROKERS: brokers, ...kafkaSecurityEnv(kafkaAuth.gateway), GATEWAY_ID: `${name}-${run}`, DELTA_INTERVAL_MS: '50' });
  gateways.push(g);
  return { g, url: `http://127.0.0.1:${port}` };
}

async function operator(url: string, name: string) {
  const client = operatorClient(url, await sessionCookie('fraud-analyst', name));
  sockets.push(client.socket);
  return client;
}

const alert: FraudAlert = {
  alertId: `al-${run}`,
  rule: 'velocity',
  score: 0.93,
  cardToken: 'tok_5f2c9a81d3',
  bin: '411111',
  last4: '1111',
  paymentIds: ['pay-1', 'pay-2', 'pay-3'],
  lat: 12.97,
  lon: 77.6,
  eventTime: Date.now() - 2_000,
  detectedAt: Date.now() - 1_500,
};

let a: Awaited<ReturnType<typeof gateway>>;
let b: Awaited<ReturnType<typeof gateway>>;

beforeAll(async () => {
  await producer.connect();
  [a, b] = await Promise.all([gateway('gw-a'), gateway('gw-b')]);
  await producer.send({ topic: topics.fraudAlerts.name, messages: [{ key: alert.alertId, value: JSON.stringify(alert) }] });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const g of gateways) await g.close();
  await producer.disconnect();
});

describe('alert triage across gateways', () => {
  it('shows an acknowledge made on one gateway on the other', async () => {
    const asha = await operator(a.url, 'asha');
    const ravi = await operator(b.url, 'ravi');
    await until('both see the new alert', () => asha.alerts.get(alert.alertId)?.triage.status === 'new' && ravi.alerts.has(alert.alertId));

    const sent = Date.now();
    expect(await asha.act({ type: 'acknowledge', actionId: randomUUID(), alertId: alert.alertId })).toEqual({ ok: true });
    await until('gateway B shows it acknowledged', () => ravi.alerts.get(alert.alertId)?.triage.status === 'acknowledged');
    console.log(`[alerts] acknowledge on gateway A visible to a client of gateway B ${Date.now() - sent} ms after it was sent`);
    expect(ravi.alerts.get(alert.alertId)!.alert.bin).toBe('411111');
  });

  it('refuses an action the state does not allow, and one that is malformed, with a reason', async () => {
    const ravi = await operator(b.url, 'ravi');
    await until('snapshot', () => ravi.alerts.get(alert.alertId)?.triage.status === 'acknowledged');
    expect(await ravi.act({ type: 'acknowledge', actionId: randomUUID(), alertId: alert.alertId })).toEqual({ ok: false, reason: 'the alert is already acknowledged' });
    expect(await ravi.act({ type: 'acknowledge', actionId: randomUUID(), alertId: 'no-such-alert' })).toEqual({ ok: false, reason: 'no alert no-such-alert' });
    const bad = await ravi.act({ type: 'assign', actionId: 'not-a-uuid', alertId: alert.alertId });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^invalid action: actionId/);
  });

  it('applies a retried action once, and records who acted', async () => {
    const asha = await operator(a.url, 'asha');
    await until('snapshot', () => asha.alerts.has(alert.alertId));
    const comment = { type: 'comment', actionId: randomUUID(), alertId: alert.alertId, text: 'same card seen in 3 cities' } as const;
    expect(await asha.act(comment)).toEqual({ ok: true });
    expect(await asha.act(comment)).toEqual({ ok: true });
    // A sentinel after the retry: actions on one alert are applied in order, so once it shows,
    // a second copy of the comment would have shown before it.
    const sentinel = { type: 'comment', actionId: randomUUID(), alertId: alert.alertId, text: 'sentinel' } as const;
    expect(await asha.act(sentinel)).toEqual({ ok: true });
    await until('the sentinel', () => asha.alerts.get(alert.alertId)?.triage.comments.some((c) => c.text === 'sentinel') ?? false);
    expect(asha.alerts.get(alert.alertId)!.triage.comments).toEqual([
      { by: 'asha', at: expect.any(Number), text: comment.text },
      { by: 'asha', at: expect.any(Number), text: 'sentinel' },
    ]);
  });

  it('assign and resolve on B reach A, and a new gateway rebuilds the same state from the topics', async () => {
    const asha = await operator(a.url, 'asha');
    const ravi = await operator(b.url, 'ravi');
    await until('snapshots', () => asha.alerts.has(alert.alertId) && ravi.alerts.has(alert.alertId));
    expect(await ravi.act({ type: 'assign', actionId: randomUUID(), alertId: alert.alertId, assignee: 'ravi' })).toEqual({ ok: true });
    await until('assigned on A', () => asha.alerts.get(alert.alertId)?.triage.assignee === 'ravi');
    expect(await ravi.act({ type: 'resolve', actionId: randomUUID(), alertId: alert.alertId, resolution: 'fraud' })).toEqual({ ok: true });
    await until('resolved on A', () => asha.alerts.get(alert.alertId)?.triage.status === 'resolved');

    const c = await gateway('gw-c');
    const meera = await operator(c.url, 'meera');
    await until('the new gateway has the alert', () => meera.alerts.get(alert.alertId)?.triage.status === 'resolved');
    expect(meera.alerts.get(alert.alertId)!.triage).toEqual(asha.alerts.get(alert.alertId)!.triage);
  });
});
