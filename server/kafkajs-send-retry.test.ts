import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { topics } from '../lib/topics';

/**
 * kafkajs's producer as patched (patches/kafkajs+2.2.4.patch), against a three-broker cluster
 * made of stand-ins: the leader of one partition dies during a send, and its partition moves
 * to a broker that already took its share of the same send. Unpatched, kafkajs kept progress
 * per broker and never resent that partition: the records were lost although send() resolved.
 */
const require = createRequire(import.meta.url);
const sendMessages = require('kafkajs/src/producer/sendMessages') as (deps: unknown) => (request: unknown) => Promise<{ topicName: string; partition: number }[]>;
const createRetry = require('kafkajs/src/retry') as (options: unknown) => unknown;
const { KafkaJSConnectionError } = require('kafkajs/src/errors') as { KafkaJSConnectionError: new (message: string) => Error };

interface Produced {
  topic: string;
  partition: number;
  firstSequence: number;
  values: string[];
}

function standInCluster(partitions: number, answerAfterMs: Record<number, number> = {}) {
  const leaders = new Map<number, number>(Array.from({ length: partitions }, (_, p) => [p, (p % 3) + 1]));
  const written: (Produced & { broker: number })[] = [];
  const dead = new Set<number>();
  let failNextOn: number | null = null;
  const brokers = new Map(
    [1, 2, 3].map((nodeId) => [
      nodeId,
      {
        nodeId,
        async produce({ topicData }: { topicData: { topic: string; partitions: { partition: number; firstSequence: number; messages: { value: string }[] }[] }[] }) {
          await new Promise((r) => setTimeout(r, answerAfterMs[nodeId] ?? 5));
          if (dead.has(nodeId) || failNextOn === nodeId) {
            failNextOn = null;
            dead.add(nodeId);
            throw new KafkaJSConnectionError(`Connection error: connect ECONNREFUSED (broker ${nodeId})`);
          }
          for (const { topic, partitions: ps } of topicData) {
            for (const p of ps) written.push({ broker: nodeId, topic, partition: p.partition, firstSequence: p.firstSequence, values: p.messages.map((m) => m.value) });
          }
          return { topics: topicData.map(({ topic, partitions: ps }) => ({ topicName: topic, partitions: ps.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })) })) };
        },
      },
    ]),
  );
  const cluster = {
    targetTopics: new Set<string>(),
    async refreshMetadataIfNecessary() {},
    async addMultipleTargetTopics() {},
    isConnected: () => true,
    removeBroker() {},
    // After a failure the client refreshes metadata: a dead broker's partitions have moved to live ones.
    async refreshMetadata() {
      for (const [p, leader] of leaders) if (dead.has(leader)) leaders.set(p, [1, 2, 3].find((n) => !dead.has(n))!);
    },
    findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
    findLeaderForPartitions(_topic: string, ps: string[]) {
      const byLeader: Record<number, number[]> = {};
      for (const p of ps.map(Number)) (byLeader[leaders.get(p)!] ??= []).push(p);
      return byLeader;
    },
    findBroker: async ({ nodeId }: { nodeId: string | number }) => brokers.get(Number(nodeId))!,
  };
  const sequences = new Map<string, number>();
  const eosManager = {
    isTransactional: () => false,
    acquireBrokerLock: async () => undefined,
    releaseBrokerLock: async () => undefined,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getSequence: (topic: string, p: number) => sequences.get(`${topic}/${p}`) ?? 0,
    updateSequence: (topic: string, p: number, n: number) => sequences.set(`${topic}/${p}`, (sequences.get(`${topic}/${p}`) ?? 0) + n),
  };
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const send = sendMessages({
    logger,
    cluster,
    eosManager,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    retrier: createRetry({ retries: 5, initialRetryTime: 10, maxRetryTime: 50 }),
  });
  return { send, written, killOnNextProduce: (nodeId: number) => (failNextOn = nodeId), leaders };
}

describe('kafkajs send, patched: a leader lost in the middle of a send', () => {
  it('resends the lost partition to its new leader, although that broker already answered, and every record lands once', async () => {
    const c = standInCluster(6);
    const messages = Array.from({ length: 60 }, (_, i) => ({ partition: i % 6, value: `m${i}` }));
    c.killOnNextProduce(1);
    const responses = await c.send({ acks: -1, timeout: 30_000, topicMessages: [{ topic: topics.driverLocationsRaw.name, messages }] });

    const landed = c.written.flatMap((w) => w.values);
    expect(landed.sort()).toEqual(messages.map((m) => m.value).sort());
    // Partitions 0 and 3 were on broker 1; they went to a live broker, with the sequence their first attempt had.
    for (const p of [0, 3]) {
      const to = c.written.filter((w) => w.partition === p);
      expect(to).toHaveLength(1);
      expect(to[0]!.broker).not.toBe(1);
      expect(to[0]!.firstSequence).toBe(0);
    }
    expect(responses.map((r) => r.partition).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lets a slow broker answer before retrying, so its partitions are not sent twice', async () => {
    const c = standInCluster(6, { 2: 200 });
    const messages = Array.from({ length: 12 }, (_, i) => ({ partition: i % 6, value: `m${i}` }));
    c.killOnNextProduce(1);
    await c.send({ acks: -1, timeout: 30_000, topicMessages: [{ topic: topics.paymentsRaw.name, messages }] });
    const landed = c.written.flatMap((w) => w.values);
    expect(landed.sort()).toEqual(messages.map((m) => m.value).sort());
  });
});
