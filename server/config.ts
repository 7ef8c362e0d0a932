import { hostname } from 'node:os';
import { z } from 'zod';
import { roles } from '../lib/access';
import { kafkaSecurityFromEnv, type KafkaSecurity } from '../lib/kafka-auth';
import { parseBrokerList } from '../lib/kafka-brokers';
import { sinksFromEnv, type SinkSpec } from '../lib/notifications/payloads';
import type { AccessSettings } from './auth/access-control';

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
  /** The gateway's Kafka principal (lib/kafka-auth.ts); the local stack sets them. */
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_SASL_MECHANISM: z.string().optional(),
  KAFKA_SECURITY_PROTOCOL: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  GATEWAY_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  DELTA_INTERVAL_MS: z.coerce.number().int().min(16).max(5000).default(150),
  DRIVER_TTL_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  SLOW_CLIENT_MAX_PENDING: z.coerce.number().int().min(2).default(40),
  SLOW_CLIENT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(15_000),
  SLOW_CLIENT_MAX_UNSENT_MS: z.coerce.number().int().min(100).default(1000),
  SLOW_CLIENT_MIN_UNSENT_BYTES: z.coerce.number().int().min(4096).default(64 * 1024),
  FLINK_REST_URL: z.string().url().optional(),
  LAG_POLL_MS: z.coerce.number().int().min(100).default(5_000),
  LAG_WINDOW: z.coerce.number().int().min(3).max(100).default(12),
  // A gateway behind a load balancer can leave the pages to another instance or a CDN.
  SERVE_UI: z.enum(['true', 'false']).default('true'),
  /** Where the gateway keeps its users file and generated secrets. */
  STATE_DIR: z.string().min(1).default('.streamwatch/gateway'),
  /** Signs sessions and screen tokens; every gateway behind one address needs the same one. */
  AUTH_SECRET: z.string().min(32).optional(),
  /** Keys rider pseudonyms (GDPR); keep it stable, or pseudonyms change. */
  PSEUDONYM_KEY: z.string().min(32).optional(),
  STREAMWATCH_ADMIN_USER: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/).default('admin'),
  STREAMWATCH_ADMIN_PASSWORD: z.string().min(12).optional(),
  /** At most 7 days: governance.sessions keeps a sign-out for 8 (lib/topics.ts). */
  SESSION_TTL_MS: z.coerce.number().int().min(1000).max(7 * 24 * 3_600_000).default(8 * 3_600_000),
  /** Lifetime of one wall or embed token; the gateway renews it within its grant. */
  TOKEN_TTL_MS: z.coerce.number().int().min(2000).default(10 * 60_000),
  /** The address users open (for redirects and cookies); defaults to http://HOST:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** Extra origins whose pages may open a socket (comma separated); the public URL's is always allowed. */
  ALLOWED_ORIGINS: z.string().default(''),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ROLE_CLAIM: z.string().min(1).default('streamwatch_role'),
  OIDC_DEFAULT_ROLE: z.enum(roles).default('viewer'),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  CONNECTS_PER_10S: z.coerce.number().int().min(1).default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bearer token for /metrics and the detailed /readyz; unset, they answer loopback clients only. */
  OPS_TOKEN: z.string().min(16).optional(),
  /** JSON webhooks told of lag status changes, Flink jobs leaving RUNNING, fraud alerts and stale streams (comma separated). */
  NOTIFY_WEBHOOK_URLS: z.string().optional(),
  /** A Slack-compatible incoming webhook, told the same. */
  NOTIFY_SLACK_WEBHOOK_URL: z.string().optional(),
  /** Fraud alerts at or above this score are announced. */
  NOTIFY_FRAUD_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.8),
  /** A notification no sink acknowledged within this long is given up (recorded and counted). */
  NOTIFY_DEADLINE_MS: z.coerce.number().int().min(10_000).default(60 * 60_000),
  /** Retries of a failed delivery start a second apart and double up to this. */
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().min(1000).default(60_000),
});

/** Every environment variable this module reads (docs/configuration.md must list each). */
export const gatewayEnvironment: readonly string[] = Object.keys(Env.shape);


export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly kafkaSecurity: KafkaSecurity;
  readonly dev: boolean;
  /** Names this instance's consumer group; several gateways each read every partition. */
  readonly gatewayId: string;
  readonly deltaIntervalMs: number;
  /** A driver with no position for this long (event time) leaves the view. */
  readonly driverTtlMs: number;
  /** A client with more unsent packets than this gets no deltas; behind for longer, it is cut. */
  readonly slowClientMaxPending: number;
  readonly slowClientTimeoutMs: number;
  readonly slowClientMaxUnsentMs: number;
  readonly slowClientMinUnsentBytes: number;
  /** Flink's REST API (job state, checkpoints); null when not configured. */
  readonly flinkRestUrl: string | null;
  /** How often consumer-group offsets are polled, and how many polls the lag rules look at. */
  readonly lagPollMs: number;
  readonly lagWindow: number;
  readonly logLevel: string;
  /** Serves the Next.js pages too; false runs the socket and ops endpoints only. */
  readonly serveUi: boolean;
  readonly publicUrl: string;
  readonly access: AccessSettings;
  /** Required (as a bearer token) for /metrics and the detailed /readyz; null: loopback clients only. */
  readonly opsToken: string | null;
  /** Where notifications go; none: the gateway does not join the notifier group. */
  readonly notify: { readonly sinks: readonly SinkSpec[]; readonly fraudMinScore: number; readonly deadlineMs: number; readonly retryMaxMs: number };
}

export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid gateway configuration:\n${problems}`);
  }
  const e = parsed.data;
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error('invalid gateway configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together');
  }
  let kafkaSecurity: KafkaSecurity;
  try {
    kafkaSecurity = kafkaSecurityFromEnv(env);
  } catch (err) {
    throw new Error(`invalid gateway configuration:\n  ${(err as Error).message}`, { cause: err });
  }
  let sinks: SinkSpec[];
  try {
    sinks = sinksFromEnv(e.NOTIFY_WEBHOOK_URLS, e.NOTIFY_SLACK_WEBHOOK_URL);
  } catch (err) {
    throw new Error(`invalid gateway configuration:\n  ${(err as Error).message}`, { cause: err });
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '');
  const local = e.HOST === '127.0.0.1' || e.HOST === 'localhost' ? [`http://127.0.0.1:${e.PORT}`, `http://localhost:${e.PORT}`] : [];
  const allowedOrigins = [...new Set([new URL(publicUrl).origin, ...local, ...e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)])];
  return {
    port: e.PORT,
    host: e.HOST,
    brokers: e.KAFKA_BROKERS,
    kafkaSecurity,
    dev: e.NODE_ENV !== 'production',
    gatewayId: e.GATEWAY_ID ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-${e.PORT}`,
    deltaIntervalMs: e.DELTA_INTERVAL_MS,
    driverTtlMs: e.DRIVER_TTL_MS,
    slowClientMaxPending: e.SLOW_CLIENT_MAX_PENDING,
    slowClientTimeoutMs: e.SLOW_CLIENT_TIMEOUT_MS,
    slowClientMaxUnsentMs: e.SLOW_CLIENT_MAX_UNSENT_MS,
    slowClientMinUnsentBytes: e.SLOW_CLIENT_MIN_UNSENT_BYTES,
    flinkRestUrl: e.FLINK_REST_URL?.replace(/\/$/, '') ?? null,
    lagPollMs: e.LAG_POLL_MS,
    lagWindow: e.LAG_WINDOW,
    logLevel: e.LOG_LEVEL,
    serveUi: e.SERVE_UI === 'true',
    opsToken: e.OPS_TOKEN ?? null,
    notify: { sinks, fraudMinScore: e.NOTIFY_FRAUD_MIN_SCORE, deadlineMs: e.NOTIFY_DEADLINE_MS, retryMaxMs: e.NOTIFY_RETRY_MAX_MS },
    publicUrl,
    access: {
      stateDir: e.STATE_DIR,
      authSecret: e.AUTH_SECRET,
      pseudonymKey: e.PSEUDONYM_KEY,
      adminName: e.STREAMWATCH_ADMIN_USER,
      adminPassword: e.STREAMWATCH_ADMIN_PASSWORD,
      sessionTtlMs: e.SESSION_TTL_MS,
      tokenTtlMs: e.TOKEN_TTL_MS,
      secureCookies: publicUrl.startsWith('https:'),
      allowedOrigins,
      oidc: e.OIDC_ISSUER
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID!,
            clientSecret: e.OIDC_CLIENT_SECRET!,
            redirectUri: `${publicUrl}/auth/oidc/callback`,
            roleClaim: e.OIDC_ROLE_CLAIM,
            defaultRole: e.OIDC_DEFAULT_ROLE,
          }
        : null,
      loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
      connectsPer10s: e.CONNECTS_PER_10S,
    },
  };
}
