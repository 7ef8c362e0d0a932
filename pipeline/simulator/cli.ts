import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { toolKafka } from '../stack/stack-config';
import { kafkajsSecurity } from '../../lib/kafka-auth';
import { kafkaClientRetry } from '../../lib/kafka-brokers';
import { kafkaLogCreator } from '../../lib/kafka-client-log';
import { requestsPerDriverSecond, type MarketplaceFigures } from './marketplace';
import { Simulator, type SimulatorOptions } from './simulator';

const usage = `Usage: npm run simulate -- [options]

Runs a seeded Bengaluru marketplace (riders ask, the nearest idle driver in reach is sent, a
rider nobody reaches gives up) and produces it to the raw topics: driver locations, ride
requests, trip events, and card payments (with injected fraud and its ground truth). Every 10 s
it logs fulfilment, pickup time p50/p90 and the share of drivers idle / en route / on a trip.

  --brokers host:port[,..]   Kafka bootstrap servers (default: $KAFKA_BROKERS or 127.0.0.1:19092)
  --drivers N                fleet size (default 3000; 20000+ for load)
  --seed N                   city and fleet seed (default 42)
  --interval-ms N            how often each driver reports (default 1000)
  --requests-per-second N    mean ride requests per second citywide (default drivers / 2000:
                             what the fleet serves at over 90 %; a stadium crowd comes on top)
  --payments-per-second N    mean card payments per second (default drivers / 300)
  --fraud-per-minute N       injected fraud cases per minute, written to fraud.ground-truth (default 6)
  --out-of-order-ratio R     share of records delivered late, 0..1 (default 0)
  --max-delay-ms N           how late at most (default 3000)
  --malformed-ratio R        share of records replaced by malformed ones, 0..1 (default 0)
  --help`;

function numberFlag(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`--${name} must be a number from ${min} to ${max}, got "${String(raw)}"`);
  }
  return n;
}

function parseOptions(argv: string[], env: Record<string, string | undefined>): { kafka: ReturnType<typeof toolKafka>; options: SimulatorOptions } {
  const { values } = parseArgs({
    args: argv,
    options: {
      brokers: { type: 'string' },
      drivers: { type: 'string' },
      seed: { type: 'string' },
      'interval-ms': { type: 'string' },
      'requests-per-second': { type: 'string' },
      'payments-per-second': { type: 'string' },
      'fraud-per-minute': { type: 'string' },
      'out-of-order-ratio': { type: 'string' },
      'max-delay-ms': { type: 'string' },
      'malformed-ratio': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const drivers = numberFlag(values, 'drivers', 3000, 1, 200_000);
  return {
    kafka: toolKafka(values.brokers, env),
    options: {
      drivers,
      requestsPerSecond: numberFlag(values, 'requests-per-second', drivers * requestsPerDriverSecond, 0, 100_000),
      paymentsPerSecond: numberFlag(values, 'payments-per-second', drivers / 300, 0, 100_000),
      fraudCasesPerMinute: numberFlag(values, 'fraud-per-minute', 6, 0, 600),
      seed: numberFlag(values, 'seed', 42, 0, 2 ** 32 - 1),
      intervalMs: numberFlag(values, 'interval-ms', 1000, 100, 60_000),
      tickMs: 100,
      outOfOrderRatio: numberFlag(values, 'out-of-order-ratio', 0, 0, 1),
      maxDelayMs: numberFlag(values, 'max-delay-ms', 3000, 0, 600_000),
      malformedRatio: numberFlag(values, 'malformed-ratio', 0, 0, 1),
    },
  };
}

/** The figures as a person reads them in the log. */
function printable(f: MarketplaceFigures): Record<string, string | number> {
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');
  const min = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} min` : 'n/a');
  return {
    fulfilment: pct(f.fulfilment),
    unfulfilled: f.cancelled,
    pickupP50: min(f.pickupEtaMin.p50),
    pickupP90: min(f.pickupEtaMin.p90),
    idle: pct(f.shares.idle),
    enRoute: pct(f.shares.en_route),
    onTrip: pct(f.shares.on_trip),
  };
}

async function main(): Promise<void> {
  const log = pino({ name: 'simulator' });
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`simulator: ${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  const kafka = new Kafka({
    clientId: 'streamwatch-simulator',
    brokers: parsed.kafka.brokers,
    ...kafkajsSecurity(parsed.kafka.security),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(log),
    retry: kafkaClientRetry,
  });
  const simulator = new Simulator(kafka, parsed.options, log);
  await simulator.start();
  const report = setInterval(() => log.info({ ...simulator.stats, marketplace: printable(simulator.figures()) }, 'simulator progress'), 10_000);
  const stop = async (): Promise<void> => {
    clearInterval(report);
    await simulator.stop();
    log.info({ ...simulator.stats }, 'simulator stopped');
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`simulator: ${(err as Error).message}`);
  process.exit(1);
});
