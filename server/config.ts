import { hostname } from 'node:os';
import { z } from 'zod';
import { parseBrokerList } from '../lib/kafka-brokers';

/**
 * The gateway's configuration, read once from the environment and validated; the rest of the
 * server receives these values and never reads process.env.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:19092')
    .transform((value, ctx) => {
      try {
        return parseBrokerList(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  GATEWAY_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  DELTA_INTERVAL_MS: z.coerce.number().int().min(16).max(5000).default(150),
  DRIVER_TTL_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  SLOW_CLIENT_MAX_PENDING: z.coerce.number().int().min(2).default(40),
  SLOW_CLIENT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(15_000),
  FLINK_REST_URL: z.string().url().optional(),
  LAG_POLL_MS: z.coerce.number().int().min(100).default(5_000),
  LAG_WINDOW: z.coerce.number().int().min(3).max(100).default(12),
  // A gateway behind a load balancer can leave the pages to another instance or a CDN.
  SERVE_UI: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly dev: boolean;
  /** Names this instance's consumer group; several gateways each read every partition. */
  readonly gatewayId: string;
  readonly deltaIntervalMs: number;
  /** A driver with no position for this long (event time) leaves the view. */
  readonly driverTtlMs: number;
  /** A client with more unsent packets than this gets no deltas; behind for longer, it is cut. */
  readonly slowClientMaxPending: number;
  readonly slowClientTimeoutMs: number;
  /** Flink's REST API (job state, checkpoints); null when not configured. */
  readonly flinkRestUrl: string | null;
  /** How often consumer-group offsets are polled, and how many polls the lag rules look at. */
  readonly lagPollMs: number;
  readonly lagWindow: number;
  readonly logLevel: string;
  /** Serves the Next.js pages too; false runs the socket and ops endpoints only. */
  readonly serveUi: boolean;
}

export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid gateway configuration:\n${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    brokers: e.KAFKA_BROKERS,
    dev: e.NODE_ENV !== 'production',
    gatewayId: e.GATEWAY_ID ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-${e.PORT}`,
    deltaIntervalMs: e.DELTA_INTERVAL_MS,
    driverTtlMs: e.DRIVER_TTL_MS,
    slowClientMaxPending: e.SLOW_CLIENT_MAX_PENDING,
    slowClientTimeoutMs: e.SLOW_CLIENT_TIMEOUT_MS,
    flinkRestUrl: e.FLINK_REST_URL?.replace(/\/$/, '') ?? null,
    lagPollMs: e.LAG_POLL_MS,
    lagWindow: e.LAG_WINDOW,
    logLevel: e.LOG_LEVEL,
    serveUi: e.SERVE_UI === 'true',
  };
}
