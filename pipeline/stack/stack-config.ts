import { join, resolve } from 'node:path';
import { z } from 'zod';
import { isUsableTokenKey } from '../../lib/card';
import { kafkaSecurityEnvironment, kafkaSecurityFromEnv, PLAINTEXT, type KafkaSecurity } from '../../lib/kafka-auth';
import { parseBrokerList } from '../../lib/kafka-brokers';
import { adminSecurity, KAFKA_CREDENTIALS_FILE, readStackKafkaCredentials } from './kafka-credentials';
import { defaultPipelineSettings, type PipelineSettings } from '../../lib/pipeline-jobs';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const Env = z.object({
  STREAMWATCH_HOME: z.string().optional(),
  /** single: one broker, a Flink mini-cluster, one gateway. cluster: three brokers, a Flink session cluster (JobManager + two TaskManagers), two gateways behind HAProxy. */
  STACK_TOPOLOGY: z.enum(['single', 'cluster']).default('single'),
  KAFKA_BROKERS: z.string().optional(),
  /** An external cluster's credentials (lib/kafka-auth.ts); the local cluster makes a principal per service instead. */
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_SASL_MECHANISM: z.string().optional(),
  KAFKA_SECURITY_PROTOCOL: z.string().optional(),
  KAFKA_PORT: port(19092),
  KAFKA_CONTROLLER_PORT: port(19093),
  KAFKA_HEAP: z.string().regex(/^\d+[mg]$/).default('768m'),
  FLINK_HEAP: z.string().regex(/^\d+[mg]$/).default('1536m'),
  FLINK_PARALLELISM: z.coerce.number().int().min(1).max(16).default(2),
  /** 0 picks a free port at start. */
  FLINK_REST_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  /** HMAC key of card tokens on fraud alerts; the dev default is only for simulated cards. */
  CARD_TOKEN_KEY: z.string().refine(isUsableTokenKey, '16-128 characters of A-Z a-z 0-9 _ -').optional(),
  SURGE_H3_RESOLUTION: z.coerce.number().int().min(0).max(15).default(defaultPipelineSettings.surge.h3Resolution),
  SURGE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(defaultPipelineSettings.surge.windowMs / 1000),
  SURGE_SLIDE_SECONDS: z.coerce.number().int().min(1).default(defaultPipelineSettings.surge.slideMs / 1000),
  LATENESS_SECONDS: z.coerce.number().int().min(1).default(defaultPipelineSettings.surge.latenessMs / 1000),
  SURGE_MIN_DEMAND: z.coerce.number().int().min(1).default(defaultPipelineSettings.surge.minDemand),
  MAX_FUTURE_SECONDS: z.coerce.number().int().min(1).default(defaultPipelineSettings.maxFutureMs / 1000),
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  SIM_DRIVERS: z.coerce.number().int().min(0).default(3000),
  SIM_SEED: z.coerce.number().int().min(0).default(42),
  SIM_ARGS: z.string().default(''),
  /** The first admin of a fresh stack; the password is generated (and kept) when not given. */
  STREAMWATCH_ADMIN_USER: z.string().default('admin'),
  STREAMWATCH_ADMIN_PASSWORD: z.string().optional(),
  /** The gateways' bearer token for /metrics and the detailed /readyz; the cluster topology makes and keeps one when unset. */
  OPS_TOKEN: z.string().min(16).optional(),
  /** The product runs as it ships; `npm run dev` asks for development (hot reload). */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
});

/** Every environment variable this module reads (docs/configuration.md must list each). */
export const stackEnvironment: readonly string[] = Object.keys(Env.shape);


export interface StackConfig {
  readonly root: string;
  /** Data and logs of this stack (broker data, checkpoints). */
  readonly home: string;
  /** Maven results (classpaths, build hashes), shared by every stack started from this checkout. */
  readonly buildDir: string;
  readonly topology: 'single' | 'cluster';
  /** Set when KAFKA_BROKERS points at an existing cluster; the local broker is not started. */
  readonly externalBrokers: string[] | null;
  /** How every part of the stack connects to that cluster (KAFKA_SASL_*); PLAINTEXT when none are set. */
  readonly externalSecurity: KafkaSecurity;
  readonly host: string;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly kafkaHeap: string;
  readonly flinkHeap: string;
  readonly flinkParallelism: number;
  readonly flinkRestPort: number;
  readonly checkpointIntervalMs: number;
  readonly pipeline: PipelineSettings;
  readonly port: number;
  readonly simDrivers: number;
  readonly simSeed: number;
  readonly simArgs: string[];
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly adminUser: string;
  /** Set when chosen through the environment; else the stack generates one and keeps it. */
  readonly adminPassword: string | undefined;
  readonly opsToken: string | undefined;
}

/**
 * The cluster a command-line tool talks to: its --brokers flag, else KAFKA_BROKERS, else the
 * local stack's broker; as the principal KAFKA_SASL_* name, else (for the local stack) its
 * admin, whose credentials the stack keeps in its home.
 */
export function toolKafka(flag: string | undefined, env: Record<string, string | undefined>, root = process.cwd()): { brokers: string[]; security: KafkaSecurity } {
  const e = Env.pick({ KAFKA_BROKERS: true, KAFKA_PORT: true, STREAMWATCH_HOME: true }).parse(env);
  const brokers = parseBrokerList(flag ?? e.KAFKA_BROKERS ?? `127.0.0.1:${e.KAFKA_PORT}`);
  if (kafkaSecurityEnvironment.some((name) => env[name])) return { brokers, security: kafkaSecurityFromEnv(env) };
  if (flag === undefined && e.KAFKA_BROKERS === undefined) {
    const kept = readStackKafkaCredentials(join(resolve(root, e.STREAMWATCH_HOME ?? '.streamwatch'), KAFKA_CREDENTIALS_FILE));
    if (kept) return { brokers, security: adminSecurity(kept) };
  }
  return { brokers, security: PLAINTEXT };
}

export function loadStackConfig(env: Record<string, string | undefined>, root: string): StackConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    root,
    home: resolve(root, e.STREAMWATCH_HOME ?? '.streamwatch'),
    buildDir: resolve(root, '.streamwatch/build'),
    topology: e.STACK_TOPOLOGY,
    externalBrokers: e.KAFKA_BROKERS ? brokersFromEnv(e.KAFKA_BROKERS) : null,
    externalSecurity: kafkaSecurityFromEnv(env),
    host: e.HOST,
    kafkaPort: e.KAFKA_PORT,
    kafkaControllerPort: e.KAFKA_CONTROLLER_PORT,
    kafkaHeap: e.KAFKA_HEAP,
    flinkHeap: e.FLINK_HEAP,
    flinkParallelism: e.FLINK_PARALLELISM,
    flinkRestPort: e.FLINK_REST_PORT,
    checkpointIntervalMs: e.CHECKPOINT_INTERVAL_MS,
    pipeline: {
      surge: {
        h3Resolution: e.SURGE_H3_RESOLUTION,
        windowMs: e.SURGE_WINDOW_SECONDS * 1000,
        slideMs: e.SURGE_SLIDE_SECONDS * 1000,
        latenessMs: e.LATENESS_SECONDS * 1000,
        minDemand: e.SURGE_MIN_DEMAND,
      },
      fraud: { ...defaultPipelineSettings.fraud, cardTokenKey: e.CARD_TOKEN_KEY ?? defaultPipelineSettings.fraud.cardTokenKey },
      maxFutureMs: e.MAX_FUTURE_SECONDS * 1000,
    },
    port: e.PORT,
    simDrivers: e.SIM_DRIVERS,
    simSeed: e.SIM_SEED,
    simArgs: e.SIM_ARGS.split(/\s+/).filter(Boolean),
    nodeEnv: e.NODE_ENV,
    adminUser: e.STREAMWATCH_ADMIN_USER,
    adminPassword: e.STREAMWATCH_ADMIN_PASSWORD,
    opsToken: e.OPS_TOKEN,
  };
}

function brokersFromEnv(value: string): string[] {
  try {
    return parseBrokerList(value);
  } catch (err) {
    throw new Error(`KAFKA_BROKERS: ${(err as Error).message}`, { cause: err });
  }
}
