import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * kafkajs's consumer runner as patched (patches/kafkajs+2.2.4.patch), driven by a stand-in
 * consumer group. Unpatched, the runner's fetch loop ran under one retrier for the consumer's
 * whole life, so failures weeks apart (a few per broker death) spent the same retries until a
 * healthy consumer crashed; and a join that gave up on a dead coordinator during a rebalance
 * crashed it at once, with tries left.
 */
const require = createRequire(import.meta.url);
type RunnerCtor = new (options: Record<string, unknown>) => { start(): Promise<void>; stop(): Promise<void> };
const Runner = require('kafkajs/src/consumer/runner') as RunnerCtor;
const InstrumentationEventEmitter = require('kafkajs/src/instrumentation/emitter') as new () => unknown;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as { createLogger: (o: unknown) => unknown; LEVELS: Record<string, number> };
const errors = require('kafkajs/src/errors') as Record<string, new (message: string | Error, options?: Record<string, unknown>) => Error>;

const retry = { retries: 2, initialRetryTime: 10, maxRetryTime: 20 };
const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

/** A group whose fetch answers after `fetchMs`, failing whenever `failNext` says so. */
function standInGroup(fetchMs: number) {
  const group = {
    groupId: 'g',
    memberId: 'm',
    fetches: 0,
    failNext: null as (() => Error) | null,
    /** Until a join succeeds, every fetch is told the group is rebalancing. */
    rebalancing: false,
    joinFailures: [] as (() => Error)[],
    joins: 0,
    async connect() {},
    async joinAndSync() {
      group.joins++;
      const failure = group.joinFailures.shift();
      if (failure) throw failure();
      group.rebalancing = false;
    },
    getNodeIds: () => [1],
    async fetch() {
      await new Promise((r) => setTimeout(r, fetchMs));
      const failure = group.failNext;
      group.failNext = null;
      if (failure) throw failure();
      if (group.rebalancing) throw Object.assign(new errors.KafkaJSProtocolError!('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
      group.fetches++;
      return [];
    },
    async heartbeat() {},
    async commitOffsets() {},
    async commitOffsetsIfNecessary() {},
  };
  return group;
}

function startRunner(group: ReturnType<typeof standInGroup>) {
  const crashes: Error[] = [];
  const runner = new Runner({
    logger,
    consumerGroup: group,
    instrumentationEmitter: new InstrumentationEventEmitter(),
    eachBatchAutoResolve: true,
    eachMessage: async () => undefined,
    heartbeatInterval: 3000,
    onCrash: (e: Error) => crashes.push(e),
    retry,
    concurrency: 1,
  });
  return { runner, crashes };
}

const connectionError = () => new errors.KafkaJSConnectionError!('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' });

/** Stopping waits for the fetch in flight, which fake time must let finish. */
async function stopUnderFakeTime(runner: { stop(): Promise<void> }): Promise<void> {
  const stopped = runner.stop();
  await vi.advanceTimersByTimeAsync(5000);
  await stopped;
}

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
afterEach(() => vi.useRealTimers());

describe('the patched kafkajs fetch loop', () => {
  it('survives failures spread over a long life, more of them than its retries', async () => {
    const group = standInGroup(1000);
    const { runner, crashes } = startRunner(group);
    await runner.start();
    for (let failure = 0; failure < 3 * retry.retries; failure++) {
      await vi.advanceTimersByTimeAsync(60_000);
      group.failNext = connectionError;
    }
    const before = group.fetches;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(crashes).toEqual([]);
    expect(group.fetches).toBeGreaterThan(before);
    await stopUnderFakeTime(runner);
  });

  it('still crashes a loop that fails at once, try after try', async () => {
    const group = standInGroup(10);
    const { runner, crashes } = startRunner(group);
    await runner.start();
    await vi.advanceTimersByTimeAsync(1000);
    group.fetch = async () => {
      await new Promise((r) => setTimeout(r, 10));
      throw connectionError();
    };
    await vi.advanceTimersByTimeAsync(5000);
    expect(crashes.map((e) => e.name)).toEqual(['KafkaJSNumberOfRetriesExceeded']);
  });

  it('joins again when a rebalance meets a coordinator lookup that gave up on a dead broker', async () => {
    const group = standInGroup(10);
    const { runner, crashes } = startRunner(group);
    await runner.start();
    await vi.advanceTimersByTimeAsync(1000);
    // What a lookup whose own retries were spent at the dead coordinator throws.
    group.joinFailures.push(() => new errors.KafkaJSNumberOfRetriesExceeded!(connectionError(), { retryCount: 20, retryTime: 1000 }));
    group.rebalancing = true;
    await vi.advanceTimersByTimeAsync(2000);
    const before = group.fetches;
    await vi.advanceTimersByTimeAsync(1000);
    expect(crashes).toEqual([]);
    expect(group.joins).toBe(3);
    expect(group.fetches).toBeGreaterThan(before);
    await stopUnderFakeTime(runner);
  });
});
