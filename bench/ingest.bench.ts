import { cpus, totalmem } from 'node:os';
import { Partitioners } from 'kafkajs';
import pino from 'pino';
import { bengaluru } from '../lib/city';
import { DriverPosition } from '../lib/schemas/driver-location';
import { topics } from '../lib/topics';
import { Fleet } from '../pipeline/simulator/fleet';
import { DriverIngest } from '../server/driver-ingest';
import { DriverView } from '../server/driver-view';
import { startBenchBroker } from './bench-broker';
import { writeResults } from './results';

/**
 * Gateway ingest against the fastest a kafkajs consumer can go: both read the same pre-filled
 * drivers.positions from a real local broker, in the same run. Target: ratio >= 0.8.
 */
const records = Number(process.env.BENCH_INGEST_RECORDS ?? 200_000);
const say = (line: string): void => console.error(line);
const stack = await startBenchBroker(say);
const kafka = stack.kafka;

try {
  say(`[bench] producing ${records.toLocaleString('en-US')} driver positions...`);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const fleet = new Fleet({ city: bengaluru, drivers: 20_000, seed: 3 });
  const base = Date.now() - 3_600_000;
  const values: Buffer[] = [];
  for (let sent = 0; sent < records; ) {
    fleet.step(1_000);
    const batch = fleet.drivers.slice(0, Math.min(20_000, records - sent)).map((d) => {
      const l = fleet.location(d, base + sent);
      values.push(Buffer.from(JSON.stringify(l)));
      return { key: l.driverId, value: values.at(-1)! };
    });
    for (let i = 0; i < batch.length; i += 5_000) await producer.send({ topic: topics.driversPositions.name, messages: batch.slice(i, i + 5_000) });
    sent += batch.length;
  }
  await producer.disconnect();

  // Alternating rounds, best of each, so that neither side pays for a cold cache alone.
  let noop = Infinity;
  let gateway = Infinity;
  for (let round = 0; round < 2; round++) {
    noop = Math.min(noop, await readWithNoopConsumer());
    gateway = Math.min(gateway, await readWithGatewayIngest());
  }

  const rate = (ms: number): number => records / (ms / 1000);
  // Where the gateway's time goes: each step of its per-record work alone, on the same records,
  // against what kafkajs alone costs a record (the no-op consumer).
  const perRecord = (ms: number): number => (ms * 1000) / records;
  const step = <T>(work: (i: number) => T): [number, T[]] => {
    const out: T[] = new Array(records);
    const began = performance.now();
    for (let i = 0; i < records; i++) out[i] = work(i);
    return [perRecord(performance.now() - began), out];
  };
  const [parseUs, parsed] = step((i) => JSON.parse(values[i]!.toString('utf8')) as unknown);
  const [validateUs, valid] = step((i) => DriverPosition.parse(parsed[i]));
  const view = new DriverView();
  const [viewUs] = step((i) => view.apply(valid[i]!));
  const kafkajsUs = perRecord(noop);
  writeResults('ingest', `gateway ingest vs a no-op kafkajs consumer, ${records.toLocaleString('en-US')} records, best of 2 alternating rounds (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB)`, [
    { name: 'drivers.positions ingest', value: rate(gateway), unit: 'rec/s', baseline: rate(noop), ratio: rate(gateway) / rate(noop), target: '>= 0.8' },
    { name: 'profile: whole gateway ingest, per record', value: perRecord(gateway), unit: 'µs', baseline: kafkajsUs, ratio: perRecord(gateway) / kafkajsUs, target: 'profile (÷ kafkajs alone)' },
    { name: 'profile: JSON.parse', value: parseUs, unit: 'µs', baseline: kafkajsUs, ratio: parseUs / kafkajsUs, target: 'profile (÷ kafkajs alone)' },
    { name: 'profile: schema check (zod)', value: validateUs, unit: 'µs', baseline: kafkajsUs, ratio: validateUs / kafkajsUs, target: 'profile (÷ kafkajs alone)' },
    { name: 'profile: view update', value: viewUs, unit: 'µs', baseline: kafkajsUs, ratio: viewUs / kafkajsUs, target: 'profile (÷ kafkajs alone)' },
  ]);
} finally {
  await stack.stop();
}

function readWithNoopConsumer(): Promise<number> {
  return timeToRead(async (done) => {
    const consumer = kafka.consumer({ groupId: `bench-noop-${Date.now()}` });
    let seen = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: topics.driversPositions.name, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= records) done();
      },
    });
    return () => consumer.disconnect();
  });
}

function readWithGatewayIngest(): Promise<number> {
  return timeToRead(async (done) => {
    const view = new DriverView();
    const ingest = new DriverIngest({ kafka, groupId: `bench-${Date.now()}`, view, log: pino({ level: 'silent' }) });
    const check = setInterval(() => {
      if (ingest.stats.records >= records) done();
    }, 5);
    await ingest.start();
    return async () => {
      clearInterval(check);
      await ingest.stop();
    };
  });
}

/** Milliseconds from start until `done` is called; `start` returns how to stop. */
async function timeToRead(start: (done: () => void) => Promise<() => Promise<void>>): Promise<number> {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const began = performance.now();
  const stop = await start(() => finish());
  await finished;
  const ms = performance.now() - began;
  await stop();
  return ms;
}
