import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkajsSecurity } from '../lib/kafka-auth';
import { kafkaClientRetry } from '../lib/kafka-brokers';
import { topics } from '../lib/topics';
import { freePortRun } from '../pipeline/stack/free-ports';
import { BROKER_SESSION_TIMEOUT_MS } from '../pipeline/stack/kafka-broker';
import { activeController } from '../pipeline/stack/kafka-tool';
import { startStack, type RunningStack } from '../pipeline/stack/stack';
import { loadStackConfig } from '../pipeline/stack/stack-config';
import { ReplayedStream } from './replayed-stream';

/**
 * The gateway's consumers when a Kafka node of three is SIGKILLed, each node in turn: a producer
 * writes to every partition of drivers.positions ten times a second while four replayed streams
 * (each its own consumer group, as the gateway's are) read it. kafkajs, unpatched, kept fetching
 * from the dead leader and heartbeating to the dead coordinator until its retries ran out, and
 * crashed: the stream was rebuilt, rejoined a coordinator that was often still loading, and
 * came back seconds after the producer. Patched (patches/kafkajs+2.2.4.patch), a stream follows
 * the new leaders as soon as the cluster has elected them, with no crash.
 */
const NODES = 3;
const STREAMS = ['a', 'b', 'c', 'd'];
/**
 * How much later than the producer a stream may resume: its fetch loop's pause and one fetch,
 * and when the dead node was its group's coordinator, a join on the new one (every new
 * connection signing in with SCRAM first): 0.1–0.2 s in most runs, 1.04 s once.
 */
const STREAM_LAG_BOUND_MS = 2000;
/** The cluster fences the dead node after broker.session.timeout.ms; clients retry at most a second apart. */
const CLIENT_REFRESH_MS = kafkaClientRetry.maxRetryTime;
const say = (line: string): void => console.log(line);
let home: string;
let stack: RunningStack;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'streamwatch-leader-failover-'));
  const kafkaPort = await freePortRun(2 * NODES);
  const config = loadStackConfig(
    { STACK_TOPOLOGY: 'cluster', STREAMWATCH_HOME: home, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(kafkaPort + 1), KAFKA_HEAP: '384m' },
    fileURLToPath(new URL('..', import.meta.url)),
  );
  stack = await startStack(config, () => undefined, { broker: true, flink: false, simulator: false, gateway: false });
});

afterAll(async () => {
  await stack?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** When each stream last got a record of each partition, and when it first got one again after a gap. */
class Arrivals {
  private readonly last = new Map<string, number>();
  readonly resumed: { stream: string; partition: number; at: number; gap: number }[] = [];

  see(stream: string, partition: number, now = Date.now()): void {
    const key = `${stream}/${partition}`;
    const before = this.last.get(key);
    if (before !== undefined && now - before > 1000) this.resumed.push({ stream, partition, at: now, gap: now - before });
    this.last.set(key, now);
  }

  allSince(t: number, partitions: number): boolean {
    return STREAMS.every((s) => Array.from({ length: partitions }, (_, p) => (this.last.get(`${s}/${p}`) ?? 0) > t).every(Boolean));
  }
}

describe('replayed streams when a Kafka node dies', () => {
  it('follow the new leaders and coordinators without crashing, as soon as the producer gets through', async () => {
    const topic = topics.driversPositions.name;
    const partitions = topics.driversPositions.partitions;
    // Why a consumer crashed, for the assertion's message.
    const crashes: string[] = [];
    const log = pino(
      { level: 'warn' },
      {
        write: (line: string) => {
          const entry = JSON.parse(line) as { msg: string; stream?: string; err?: { type?: string; message?: string; stack?: string } };
          // The stack names the kafkajs path that gave up, which the message alone does not.
          if (entry.msg.includes('crashed')) crashes.push(`${entry.stream}: ${entry.err?.type}: ${entry.err?.message?.slice(0, 200)}\n${entry.err?.stack}`);
        },
      },
    );
    const arrivals = new Arrivals();
    const streams = STREAMS.map(
      (name) =>
        new ReplayedStream({
          // As the gateway's client (server/gateway.ts).
          kafka: new Kafka({ clientId: `failover-${name}`, brokers: stack.brokers, ...kafkajsSecurity(stack.kafkaSecurity), logLevel: logLevel.NOTHING, retry: kafkaClientRetry }),
          name,
          groupId: `leader-failover-${name}`,
          topics: [topic],
          log,
          handle: (r) => {
            arrivals.see(name, r.partition);
            return 'ok';
          },
        }),
    );
    const kafka = new Kafka({ clientId: 'leader-failover-producer', brokers: stack.brokers, ...kafkajsSecurity(stack.kafkaSecurity), logLevel: logLevel.NOTHING, retry: { ...kafkaClientRetry, retries: 1000 } });
    const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { ...kafkaClientRetry, retries: 1000 } });
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const fullIsr = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.every((p) => p.isr.length === NODES);
    // A young cluster still moves leaders about: start from a settled one.
    await waitFor(() => fullIsr().catch(() => false), 60_000, 'every partition at three in-sync replicas');
    await Promise.all(streams.map((s) => s.start()));
    // Every partition, ten times a second; a send blocked by a dead leader holds the next one up.
    const acks: number[] = [];
    let producing = true;
    const writer = (async () => {
      for (let n = 0; producing; n++) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: partitions }, (_, p) => ({ partition: p, key: `d${p}`, value: JSON.stringify({ n }) })) });
        acks.push(Date.now());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await waitFor(() => arrivals.allSince(Date.now() - 1000, partitions), 60_000, 'every stream reading every partition');
      for (let node = 1; node <= NODES; node++) {
        const controller = (await activeController(stack.brokers.join(','), stack.kafkaSecurity)) === node;
        const killedAt = Date.now();
        expect(stack.signal(`kafka-${node}`, 'SIGKILL')).not.toBeNull();
        await waitFor(() => acks.some((a) => a > killedAt + 500), 60_000, 'the producer getting through again');
        // The producer's first send after the kill to finish late is the one that waited out the election.
        const producerBack = acks.find((a, i) => a > killedAt && a - (acks[i - 1] ?? a) > 1000) ?? acks.find((a) => a > killedAt)!;
        await waitFor(() => arrivals.allSince(producerBack, partitions), 30_000, 'every stream reading every partition again');
        const back = STREAMS.map((s) => Math.max(0, ...arrivals.resumed.filter((r) => r.stream === s && r.at > killedAt).map((r) => r.at)));
        const aim = BROKER_SESSION_TIMEOUT_MS + CLIENT_REFRESH_MS + 2000;
        say(
          `[leader-failover] node ${node}${controller ? ' (active controller)' : ''} killed: producer through again after ${producerBack - killedAt} ms ` +
            `(aim ${aim} ms: session timeout + client refresh + 2 s${controller ? ', plus a controller election' : ''}); ` +
            `streams resumed after ${back.map((b) => (b ? b - killedAt : 0)).join('/')} ms; rebuilds ${streams.map((s) => s.stats.rebuilds).join('/')}`,
        );
        for (const [i, b] of back.entries()) if (b) expect(b - producerBack, `stream ${STREAMS[i]} behind the producer`).toBeLessThanOrEqual(STREAM_LAG_BOUND_MS);
        expect(streams.map((s) => s.stats.rebuilds), crashes.join('; ')).toEqual(STREAMS.map(() => 0));
        expect(streams.every((s) => !s.degraded)).toBe(true);
        await waitFor(() => fullIsr().catch(() => false), 120_000, 'the node back in sync');
      }
    } finally {
      producing = false;
      await writer.catch(() => undefined);
      await Promise.all(streams.map((s) => s.stop()));
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
