import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Consumer } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkajsSecurity } from '../lib/kafka-auth';
import type { GroupLag } from '../lib/lag/lag-report';
import { LagMonitor } from './lag-monitor';
import { GroupDirectory } from './group-protocol-client';
import { RecordTimestamps } from './record-timestamps';
import { javaClientProperties } from '../pipeline/stack/kafka-test-client';
import { kafkaClasspath, kafkaTool } from '../pipeline/stack/kafka-tool';
import { until } from './testing/until';

/** The superuser for the test's own clients; the gateway principal for gateways it starts. */
const kafkaAuth = inject('kafkaAuth');

/** The lag monitor against the real broker: groups made to be caught up, stopped and stalled. */
const run = Date.now().toString(36);
const topic = `it-lag-${run}`;
const kafka = new Kafka({ clientId: 'lag-test', brokers: inject('brokers').split(','), ...kafkajsSecurity(kafkaAuth.admin), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const consumers: Consumer[] = [];
let monitor: LagMonitor;
let timestamps: RecordTimestamps;
const backlogTime = Date.now() - 30_000;
let producing: NodeJS.Timeout;

const reportOfThisRun = (): string => JSON.stringify(monitor.report.groups.filter((g) => g.groupId.includes(run)));
const group = (id: string): GroupLag | undefined => monitor.report.groups.find((g) => g.groupId === id);

async function consumer(groupId: string, handle: () => Promise<void> = async () => undefined): Promise<Consumer> {
  const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 30_000 });
  consumers.push(c);
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await c.run({ autoCommitInterval: 100, eachMessage: handle });
  return c;
}

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  await producer.connect();
  // The backlog was written "30 s ago", so a group parked in it lags by about that much time.
  await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ value: `m${i}`, timestamp: String(backlogTime) })) });
  // A steady trickle, so that a consumer that does not move falls further behind.
  producing = setInterval(() => void producer.send({ topic, messages: [{ value: 'tick' }] }), 100);
  timestamps = new RecordTimestamps(kafka, `it-lag-reader-${run}`, pino({ level: 'silent' }));
  monitor = new LagMonitor({ admin, pollMs: 250, windowSize: 6, log: pino({ level: 'silent' }), timestamps });
  monitor.start();
});

afterAll(async () => {
  clearInterval(producing);
  await monitor.stop();
  await timestamps.stop();
  for (const c of consumers) await c.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('lag monitor', () => {
  it('reports a group that keeps up as OK with lag near zero', async () => {
    await consumer(`it-keeps-up-${run}`);
    const id = `it-keeps-up-${run}`;
    await until('keeps-up OK with a forecast', () => group(id)?.status === 'OK' && group(id)!.partitions[0]!.forecast.kind !== 'unknown', 30_000, reportOfThisRun);
    // Near zero against the 100-record backlog it consumed: what the trickle added while polled.
    expect(group(id)!.totalLag).toBeLessThan(50);
    expect(group(id)!.partitions[0]!.forecast.kind).toMatch(/caught-up|keeping-up|catching-up/);
  });

  it('marks a group with no members and a stuck offset STOP, and OK with a falling lag once it consumes again', async () => {
    const id = `it-stopped-${run}`;
    await admin.setOffsets({ groupId: id, topic, partitions: [{ partition: 0, offset: '10' }] });
    await until('STOP', () => group(id)?.status === 'STOP', 30_000, reportOfThisRun);
    expect(group(id)!.state).toBe('Empty');
    expect(group(id)!.partitions[0]!.committed).toBe(10);
    await until('a time lag read from the record at offset 10', () => group(id)?.partitions[0]?.timeLagMs != null, 30_000, reportOfThisRun);
    const timeLag = group(id)!.partitions[0]!.timeLagMs!;
    expect(timeLag).toBeGreaterThanOrEqual(Date.now() - backlogTime - 15_000);
    expect(timeLag).toBeLessThanOrEqual(Date.now() - backlogTime);
    expect(group(id)!.maxTimeLagMs).toBe(timeLag);

    await consumer(id);
    await until('OK after catching up', () => group(id)?.status === 'OK', 30_000, reportOfThisRun);
    await until('time lag back under a second', () => (group(id)?.partitions[0]?.timeLagMs ?? Infinity) < 1_000, 30_000, reportOfThisRun);
    expect(['caught-up', 'catching-up']).toContain(group(id)!.partitions[0]!.forecast.kind);
  });

  it("times the lag on a topic it may not read by its log end's movement: within a poll of the record's own timestamp, unknown before it watched", async () => {
    // As the gateway watches a raw topic its principal may not read: no record reader at all.
    const blind = new LagMonitor({ admin, pollMs: 250, windowSize: 6, log: pino({ level: 'silent' }), readable: () => false });
    blind.start();
    try {
      const end = Number((await admin.fetchTopicOffsets(topic))[0]!.high);
      await new Promise((r) => setTimeout(r, 2_000));
      const [watched, before] = [`it-blind-${run}`, `it-blind-backlog-${run}`];
      await admin.setOffsets({ groupId: watched, topic, partitions: [{ partition: 0, offset: String(end + 5) }] });
      await admin.setOffsets({ groupId: before, topic, partitions: [{ partition: 0, offset: '10' }] });
      // The oracle: the record's own timestamp, read as the superuser.
      const appended = (await timestamps.timestampsAt([{ topic, partition: 0, offset: end + 5 }], () => [0])).get(`${topic}/0`);
      expect(typeof appended).toBe('number');
      const of = (id: string) => blind.report.groups.find((g) => g.groupId === id)?.partitions[0];
      await until('the watched group timed', () => of(watched)?.timeLagMs != null && of(before) !== undefined, 30_000, () => JSON.stringify(blind.report.groups.filter((g) => g.groupId.includes(run))));
      const error = of(watched)!.timeLagMs! - (blind.report.at - (appended as number));
      console.log(`[lag] time lag from log-end movement vs the record's timestamp: ${error} ms off (poll 250 ms)`);
      expect(Math.abs(error)).toBeLessThanOrEqual(600);
      expect(of(before)!.timeLagMs).toBeNull();
    } finally {
      await blind.stop();
    }
  });

  it('marks a group whose live member is stuck STALL', async () => {
    const id = `it-stalled-${run}`;
    await admin.setOffsets({ groupId: id, topic, partitions: [{ partition: 0, offset: '5' }] });
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    await consumer(id, () => stuck);
    await until('STALL', () => group(id)?.status === 'STALL', 30_000, reportOfThisRun);
    expect(group(id)!.members).toBe(1);
    expect(group(id)!.partitions[0]!.forecast.kind).toBe('falling-behind');
    release();
  });

  it('marks a group whose only member was killed STOP within two polls of Kafka emptying it', async () => {
    const id = `it-killed-${run}`;
    const bootstrap = inject('brokers').split(',')[0]!;
    const clientConfig = join(mkdtempSync(join(tmpdir(), 'streamwatch-lag-it-')), 'client.properties');
    writeFileSync(clientConfig, javaClientProperties(kafkaAuth.admin), { mode: 0o600 });
    // Kafka's console consumer on the classic protocol, with the broker's shortest session (6 s).
    const jvm = spawn('java', ['-Xmx256m', '-cp', await kafkaClasspath(), 'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', bootstrap, '--topic', topic, '--group', id, '--from-beginning',
      '--consumer-property', 'session.timeout.ms=6000', '--consumer-property', 'heartbeat.interval.ms=1000', '--consumer-property', 'auto.commit.interval.ms=200', '--consumer.config', clientConfig], { stdio: 'ignore' });
    try {
      await until('the console consumer keeping up', () => group(id)?.status === 'OK' && group(id)!.members === 1 && group(id)!.totalLag < 50, 60_000, reportOfThisRun);
      // Every report from here on: when it was polled, and what it said of the group.
      const seen: { at: number; state: string; members: number; status: string }[] = [];
      const before = monitor.onReport;
      monitor.onReport = (r) => {
        before(r);
        const g = r.groups.find((x) => x.groupId === id);
        if (g) seen.push({ at: r.at, state: g.state, members: g.members, status: g.status });
      };
      const killedAt = Date.now();
      jvm.kill('SIGKILL');
      // The oracle for when Kafka gave up on the member: the broker's own group description.
      let emptyAt = 0;
      await until('Kafka empties the group (session timeout)', async () => {
        const described = (await admin.describeGroups([id])).groups[0];
        if (described?.state === 'Empty' && described.members.length === 0) emptyAt ||= Date.now();
        return emptyAt > 0;
      }, 30_000);
      await until('STOP', () => seen.some((x) => x.status === 'STOP'), 15_000, () => JSON.stringify(seen.slice(-8)));
      monitor.onReport = before;
      const firstEmpty = seen.findIndex((x) => x.members === 0);
      const firstStop = seen.findIndex((x) => x.status === 'STOP');
      console.log(`[lag] killed member: Kafka emptied the group ${emptyAt - killedAt} ms after the kill (session 6 s); STOP ${seen[firstStop]!.at - killedAt} ms after the kill, ${firstStop - firstEmpty + 1} poll(s) after the first poll without members (poll 250 ms); before that: ${[...new Set(seen.slice(0, firstEmpty).map((x) => x.status))].join(', ')}`);
      // Never STOP while Kafka still counted the member; STOP at the first or second poll without it.
      expect(firstEmpty).toBeGreaterThanOrEqual(0);
      expect(seen.slice(0, firstEmpty).some((x) => x.status === 'STOP')).toBe(false);
      expect(firstStop - firstEmpty).toBeLessThanOrEqual(1);
      expect(seen[firstStop]).toMatchObject({ state: 'Empty', members: 0 });
    } finally {
      jvm.kill('SIGKILL');
    }
  });

  it('takes a group whose committed offset sits on a transaction marker for caught up (OK, time lag 0), not for stopped', async () => {
    // An exactly-once topic: each transaction ends in a commit marker after its records.
    const txTopic = `it-lag-tx-${run}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: txTopic, numPartitions: 1 }] });
    const tx = kafka.producer({ transactionalId: `it-lag-tx-${run}`, idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    const transaction = await tx.transaction();
    await transaction.send({ topic: txTopic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await transaction.commit();
    await tx.disconnect();
    // The commit returns once the coordinator decided; the marker reaches the partition a moment later.
    await until('the commit marker written (records 0..2, the marker at 3)', async () => Number((await admin.fetchTopicOffsets(txTopic))[0]!.high) === 4, 10_000);

    // Both groups idle, no members. One sits on the marker (nothing left to read); the other
    // has a real record left.
    const onMarker = `it-on-marker-${run}`;
    const oneLeft = `it-one-left-${run}`;
    await admin.setOffsets({ groupId: onMarker, topic: txTopic, partitions: [{ partition: 0, offset: '3' }] });
    await admin.setOffsets({ groupId: oneLeft, topic: txTopic, partitions: [{ partition: 0, offset: '2' }] });
    const polled = Date.now();
    // Longer than the window (6 polls of 250 ms), so the trend rules have had their full say.
    await until('both judged over a full window', () => (monitor.report.at ?? 0) > polled + 3_000 && group(onMarker) !== undefined && group(oneLeft)?.status === 'STOP', 30_000, reportOfThisRun);
    expect(group(onMarker)).toMatchObject({ status: 'OK', totalLag: 0, maxTimeLagMs: 0 });
    expect(group(onMarker)!.partitions[0]).toMatchObject({ committed: 3, end: 4, lag: 0, timeLagMs: 0 });
    expect(group(oneLeft)!.partitions[0]).toMatchObject({ committed: 2, lag: 2 });
    expect(group(oneLeft)!.partitions[0]!.timeLagMs).not.toBeNull();
    await admin.deleteTopics({ topics: [txTopic] }).catch(() => undefined);
  });

  it("describes a KIP-848 consumer-protocol group as Kafka's ConsumerGroupCommand does (state, members)", async () => {
    const id = `it-kip848-${run}`;
    const classpath = await kafkaClasspath();
    const bootstrap = inject('brokers').split(',')[0]!;
    // Kafka's own console consumer, on the new protocol.
    // Kafka's tools sign in as the tests do (the stack's superuser).
    const clientConfig = join(mkdtempSync(join(tmpdir(), 'streamwatch-lag-it-')), 'client.properties');
    writeFileSync(clientConfig, javaClientProperties(kafkaAuth.admin), { mode: 0o600 });
    const consumerJvm = spawn('java', ['-Xmx256m', '-cp', classpath, 'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', bootstrap, '--topic', topic, '--group', id, '--consumer-property', 'group.protocol=consumer', '--consumer.config', clientConfig], { stdio: 'ignore' });
    try {
      const directory = new GroupDirectory(admin, 'it-lag-groups', kafkaAuth.admin);
      const ours = async () => (await directory.describeAll()).find((g) => g.groupId === id);
      await until('the consumer-protocol group, Stable with its member', async () => {
        const g = await ours();
        return g?.state === 'Stable' && g.members === 1;
      }, 60_000);
      // The oracle: kafka-consumer-groups.sh --describe --state.
      const oracle = await kafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--bootstrap-server', bootstrap, '--describe', '--group', id, '--state'], kafkaAuth.admin);
      const row = oracle.split('\n').find((l) => l.includes(id))!.trim().split(/\s+/);
      const header = oracle.split('\n').find((l) => l.includes('STATE'))!.trim().split(/\s+/);
      const field = (name: string) => row[header.indexOf(name)];
      const mine = (await ours())!;
      console.log(`[lag] KIP-848 group: ConsumerGroupCommand says ${field('STATE')} with ${field('#MEMBERS')} members; ours ${mine.state} with ${mine.members} (${mine.type})`);
      expect({ state: mine.state, members: String(mine.members), type: mine.type }).toEqual({ state: field('STATE'), members: field('#MEMBERS'), type: 'consumer' });
      // kafkajs alone reads the same group as classic and gets it wrong: that is why the directory exists.
      const kafkajs = (await admin.describeGroups([id])).groups[0];
      expect(kafkajs?.members.length ?? 0).toBe(0);
    } finally {
      consumerJvm.kill('SIGKILL');
    }
  });
});
