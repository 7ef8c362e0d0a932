import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkajsSecurity, kafkaSecurityEnv } from '../lib/kafka-auth';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { sessionCookie } from './testing/credentials';
import { startTestGateway, type TestGateway } from './testing/test-gateway';
import { until } from './testing/until';

/**
 * Notifications with two gateways on the real broker: a local HTTP receiver gets exactly one
 * message per fraud alert at or above the threshold, none below it; after being down for a
 * minute it gets what happened meanwhile, once; when the sending gateway stops, the other
 * takes over and sends the rest, again once, and nothing twice. A second sink, set through one
 * gateway's admin API, hears from whichever gateway sends, and only what followed its setting.
 * Every attempt is audited.
 */
const kafkaAuth = inject('kafkaAuth');
const brokers = inject('brokers');
const run = Date.now().toString(36);
const kafka = new Kafka({ clientId: `notifier-it-${run}`, brokers: brokers.split(','), ...kafkajsSecurity(kafkaAuth.admin), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const gateways = new Map<string, TestGateway>();
/** Every message the receiver took, in order: where it was posted, the event id and what it was about. */
const received: { path: string; eventId: string; subject: string }[] = [];
let receiver: Server | null = null;
let receiverPort = 0;
/** Subjects whose message the receiver takes at once but answers only after a while (on /hook). */
const slowAnswers = new Set<string>();
const SLOW_ANSWER_MS = 1_500;

const ours = (path = '/hook') => received.filter((m) => m.path === path && m.subject.startsWith(`fraud:it-${run}-`));
const countsById = (path = '/hook') => ours(path).reduce((m, r) => m.set(r.subject, (m.get(r.subject) ?? 0) + 1), new Map<string, number>());

function receiverUp(): Promise<void> {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = JSON.parse(body) as { eventId: string; subject: string };
      received.push({ path: req.url ?? '', eventId: m.eventId, subject: m.subject });
      if (req.url === '/hook' && slowAnswers.has(m.subject)) setTimeout(() => res.writeHead(204).end(), SLOW_ANSWER_MS);
      else res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => receiver!.listen(receiverPort, '127.0.0.1', resolve));
}

function receiverDown(): Promise<void> {
  const r = receiver!;
  receiver = null;
  r.closeAllConnections();
  return new Promise((resolve) => r.close(() => resolve()));
}

async function gateway(name: string): Promise<TestGateway> {
  const [port] = await freePorts(1);
  const g = await startTestGateway({
    PORT: String(port),
    KAFKA_BROKERS: brokers,
    ...kafkaSecurityEnv(kafkaAuth.gateway),
    GATEWAY_ID: `${name}-${run}`,
    NOTIFY_WEBHOOK_URLS: `http://127.0.0.1:${receiverPort}/hook`,
    NOTIFY_FRAUD_MIN_SCORE: '0.8',
    NOTIFY_RETRY_MAX_MS: '4000',
  });
  gateways.set(name, g);
  return g;
}

const alert = (n: number, score: number): FraudAlert => ({
  alertId: `it-${run}-${n}`,
  rule: 'card-testing',
  score,
  cardToken: 'tok_5f2c9a81d3',
  bin: '411111',
  last4: '1111',
  paymentIds: [`pay-${n}`],
  eventTime: Date.now() - 2_000,
  // Detected now: a sink hears of alerts detected after it was set, and one is set just before alert 4.
  detectedAt: Date.now(),
});

async function publish(...alerts: FraudAlert[]): Promise<void> {
  await producer.send({ topic: topics.fraudAlerts.name, messages: alerts.map((a) => ({ key: a.alertId, value: JSON.stringify(a) })) });
}

/** The gateway that holds the sender role. */
const speaker = () => [...gateways].find(([, g]) => g.notifier?.speaking);

beforeAll(async () => {
  receiverPort = (await freePorts(1))[0]!;
  await receiverUp();
  await producer.connect();
  await Promise.all([gateway('gw-a'), gateway('gw-b')]);
  await until('one of the two gateways the sender', () => speaker() !== undefined, 30_000);
}, 60_000);

afterAll(async () => {
  // The sink set here is removed, so that gateways of later tests on this broker do not post to it.
  const g = [...gateways.values()][0];
  if (g) {
    const { port } = g.server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/api/notify-sinks/ops-hook/remove`, { method: 'POST', headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, cookie: await sessionCookie('admin') }, body: '{}' });
  }
  for (const g of gateways.values()) await g.close();
  await producer.disconnect();
  if (receiver) await receiverDown();
});

describe('notifications from two gateways', () => {
  it('reach the receiver once per alert above the threshold, after an outage of a minute and a change of sender too', async () => {
    const both = [...gateways.values()];
    expect(both.filter((g) => g.notifier?.speaking)).toHaveLength(1);

    await publish(alert(1, 0.95), alert(2, 0.5), alert(3, 0.81));
    await until('alerts 1 and 3 received', () => countsById().size === 2, 20_000);

    // An admin sets a second sink on the gateway that is not the sender: it reaches the sender
    // through governance.notify-sinks.
    const [, first] = speaker()!;
    const other = both.find((g) => g !== first)!;
    const { port } = other.server.address() as AddressInfo;
    const set = await fetch(`http://127.0.0.1:${port}/api/notify-sinks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, cookie: await sessionCookie('admin') },
      body: JSON.stringify({ id: 'ops-hook', format: 'json', url: `http://127.0.0.1:${receiverPort}/admin-hook` }),
    });
    expect(set.status).toBe(201);
    await until('the sender knows the sink set on the other gateway', () => first.notifySinks.get('ops-hook') !== undefined, 10_000);

    // The receiver is down (connections refused) for a minute while two more alerts arrive.
    await receiverDown();
    const outage = { from: Date.now(), to: 0 };
    // Alert 5's answer is slow: the sender is stopped while it waits for it, and must record the
    // delivery before giving up the role, or its successor sends alert 5 again.
    slowAnswers.add(`fraud:it-${run}-5`);
    await publish(alert(4, 0.9), alert(5, 0.99));
    await new Promise((r) => setTimeout(r, 60_000));
    outage.to = Date.now();
    await receiverUp();
    await until('alerts 4 and 5 received after the outage', () => countsById().size === 4 && countsById('/admin-hook').size === 2, 30_000);

    // The sender stops, alert 5's answer still on its way; the other gateway takes over and sends what comes next.
    const [name, sender] = speaker()!;
    await sender.close();
    gateways.delete(name);
    const successor = [...gateways.values()][0]!;
    await until('the other gateway the sender', () => successor.notifier?.speaking === true, 30_000);
    await publish(alert(6, 0.85));
    await until('alert 6 received from the successor', () => countsById().size === 5 && countsById('/admin-hook').size === 3, 20_000);
    // Time for any duplicate to show.
    await new Promise((r) => setTimeout(r, 5_000));

    expect(Object.fromEntries(countsById())).toEqual(Object.fromEntries([1, 3, 4, 5, 6].map((n) => [`fraud:it-${run}-${n}`, 1])));
    expect(new Set(ours().map((m) => m.eventId)).size).toBe(ours().length);
    // The sink set in /admin: what came after it, once each, from both senders; not 1 and 3, told before it existed.
    expect(Object.fromEntries(countsById('/admin-hook'))).toEqual(Object.fromEntries([4, 5, 6].map((n) => [`fraud:it-${run}-${n}`, 1])));

    // Every attempt audited: the refused ones during the outage (each sink's queue retries its
    // oldest message, whichever that was: lag and stream changes go to the receiver too) and the
    // delivered ones.
    const refused = () => successor.audit.recent().filter((e) => e.action === 'notification-send' && e.outcome === 'failed' && e.at >= outage.from && e.at <= outage.to);
    await until('attempts refused during the outage in the audit trail', () => refused().length > 0, 20_000);
    expect(refused().every((e) => (e.target === 'webhook' || e.target === 'ops-hook') && e.detail?.startsWith('failed: '))).toBe(true);
    expect(successor.audit.recent().some((e) => e.action === 'notify-sink-set' && e.target === 'ops-hook' && e.actor === 'admin')).toBe(true);
    const delivered = successor.audit.recent().filter((e) => e.action === 'notification-send' && e.outcome === 'ok' && e.detail?.includes(`fraud:it-${run}-`));
    expect(new Set(delivered.filter((e) => e.target === 'webhook').map((e) => /fraud:it-[a-z0-9]+-(\d+)/.exec(e.detail ?? '')?.[1])).size).toBe(5);
    expect(new Set(delivered.filter((e) => e.target === 'ops-hook').map((e) => /fraud:it-[a-z0-9]+-(\d+)/.exec(e.detail ?? '')?.[1])).size).toBe(3);
  }, 240_000);
});
