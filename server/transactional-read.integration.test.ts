import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kafkajsSecurity, kafkaSecurityEnv } from '../lib/kafka-auth';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
// The test harness borrows the stack's port finder; the gateway itself never imports pipeline/.
import { freePorts } from '../pipeline/stack/free-ports';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/**
 * fraud.alerts is written in transactions. A read-committed gateway must show committed alerts
 * only, and must not stall on the transaction markers at the end of a partition (which kafkajs
 * never hands to a batch handler).
 */
const run = Date.now().toString(36);
const brokers = inject('brokers');
const kafka = new Kafka({ clientId: 'tx-test', brokers: brokers.split(','), ...kafkajsSecurity(kafkaAuth.admin), logLevel: logLevel.NOTHING });
let gateway: TestGateway | undefined;

const alert = (n: number): FraudAlert => ({
  alertId: `tx-${run}-${n}`,
  rule: 'card-testing',
  score: 0.8,
  cardToken: 'tok_0123456789',
  bin: '555555',
  last4: '4444',
  paymentIds: [`p-${n}`],
  eventTime: Date.now(),
  detectedAt: Date.now(),
});

afterAll(async () => {
  await gateway?.close();
});

describe('reading a transactional topic', () => {
  it('shows committed alerts only and becomes ready although partitions end in commit markers', async () => {
    const producer = kafka.producer({ transactionalId: `tx-test-${run}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const write = async (n: number, outcome: 'commit' | 'abort') => {
      const tx = await producer.transaction();
      await tx.send({ topic: topics.fraudAlerts.name, messages: [{ key: alert(n).alertId, value: JSON.stringify(alert(n)) }] });
      await (outcome === 'commit' ? tx.commit() : tx.abort());
    };
    await write(1, 'commit');
    await write(2, 'abort');
    await write(3, 'commit');
    await producer.disconnect();

    const port = (await freePorts(1))[0]!;
    gateway = await startTestGateway({ PORT: String(port), KAFKA_BROKERS: brokers, ...kafkaSecurityEnv(kafkaAuth.gateway), GATEWAY_ID: `tx-${run}` });
    const deadline = Date.now() + 30_000;
    while ((await fetch(`http://127.0.0.1:${port}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the gateway never became ready: it stalled on the transaction markers');
      await new Promise((r) => setTimeout(r, 100));
    }
    const ids = gateway.alerts.snapshot().map((r) => r.alert.alertId);
    expect(ids).toContain(`tx-${run}-1`);
    expect(ids).toContain(`tx-${run}-3`);
    expect(ids).not.toContain(`tx-${run}-2`);
  });

  // What a Flink restart leaves behind: the sink's subtasks had transactions open side by side
  // in one partition, and recovery aborts them in any order. The broker lists aborted
  // transactions in the order they were aborted; kafkajs 2.2.4 assumed first-offset order and
  // let the head of every other aborted transaction through (patches/kafkajs+2.2.4.patch).
  it('hides transactions aborted out of the order they began in', async () => {
    const producers = [1, 2, 3].map((n) =>
      kafka.producer({ transactionalId: `tx-test-${run}-sub${n}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner }),
    );
    for (const p of producers) await p.connect();
    const open = [];
    for (const p of producers) open.push(await p.transaction());
    for (let i = 0; i < 20; i++) {
      for (const [n, tx] of open.entries()) {
        const a = alert(1000 + n * 100 + i);
        await tx.send({ topic: topics.fraudAlerts.name, messages: [{ partition: 0, key: a.alertId, value: JSON.stringify(a) }] });
      }
    }
    for (const n of [2, 0, 1]) await open[n]!.abort();
    for (const p of producers) await p.disconnect();
    const after = kafka.producer({ transactionalId: `tx-test-${run}-after`, idempotent: true, maxInFlightRequests: 1 });
    await after.connect();
    const tx = await after.transaction();
    await tx.send({ topic: topics.fraudAlerts.name, messages: [{ partition: 0, key: alert(9999).alertId, value: JSON.stringify(alert(9999)) }] });
    await tx.commit();
    await after.disconnect();

    const deadline = Date.now() + 30_000;
    const ids = () => gateway!.alerts.snapshot().map((r) => r.alert.alertId);
    while (!ids().includes(`tx-${run}-9999`)) {
      if (Date.now() > deadline) throw new Error('the committed alert after the aborted ones never arrived');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ids().filter((id) => /-(1\d{3})$/.test(id))).toEqual([]);
  });
});
