import { defaultSurgeSettings, type SurgeSettings } from './surge';
import type { TopicKey } from './topics';

/**
 * The Flink jobs: which SQL file, which consumer group, which topics in and out. The stack
 * submits them; lineage is drawn from inputs and outputs.
 */
export interface FlinkJobSpec {
  readonly sqlFile: string;
  readonly consumerGroup: string;
  readonly inputs: readonly TopicKey[];
  readonly outputs: readonly TopicKey[];
}

export const flinkJobs = {
  driversPositions: {
    sqlFile: 'drivers-positions.sql',
    consumerGroup: 'streamwatch-flink-drivers-positions',
    inputs: ['driverLocationsRaw'],
    outputs: ['driversPositions', 'driverLocationsDlq'],
  },
  surge: {
    sqlFile: 'surge.sql',
    consumerGroup: 'streamwatch-flink-surge',
    inputs: ['driverLocationsRaw', 'rideRequestsRaw'],
    outputs: ['surgeCells', 'rideRequestsDlq', 'lateEvents'],
  },
  fraud: {
    sqlFile: 'fraud.sql',
    consumerGroup: 'streamwatch-flink-fraud',
    inputs: ['paymentsRaw'],
    outputs: ['fraudAlerts', 'paymentsDlq', 'paymentsDlqNotices'],
  },
  kpis: {
    sqlFile: 'kpis.sql',
    consumerGroup: 'streamwatch-flink-kpis',
    inputs: ['driverLocationsRaw', 'rideRequestsRaw', 'tripEventsRaw', 'paymentsRaw', 'fraudAlerts'],
    outputs: ['opsKpis', 'marketplaceKpis', 'tripEventsDlq', 'lateEvents'],
  },
} as const satisfies Record<string, FlinkJobSpec>;

export type FlinkJobKey = keyof typeof flinkJobs;

/** Statements every job file begins with (the tables its Kafka tables are made LIKE), beside the jobs. */
export const sharedSqlFile = 'shared.sql';

/** What the analytics jobs are tuned by; the oracle tests recompute with the same values. */
export interface FraudSettings {
  /** Bounded out-of-orderness of payments; every rule waits this long before firing. */
  readonly latenessMs: number;
  /** Key of the card token (HMAC); a secret in production (CARD_TOKEN_KEY). */
  readonly cardTokenKey: string;
}

/** The local stack's key: fine for simulated cards, never for real ones. */
export const DEV_CARD_TOKEN_KEY = 'streamwatch-dev-card-token-key';

export interface PipelineSettings {
  readonly surge: SurgeSettings;
  readonly fraud: FraudSettings;
  /** A raw record dated further than this ahead of the clock is dead-lettered: it would hold event time hostage. */
  readonly maxFutureMs: number;
}

export const defaultPipelineSettings: PipelineSettings = {
  surge: defaultSurgeSettings,
  fraud: { latenessMs: 1000, cardTokenKey: DEV_CARD_TOKEN_KEY },
  maxFutureMs: 5 * 60_000,
};

/**
 * How long a raw topic's partition may go without records before the jobs stop waiting for it
 * (Flink's source idle timeout). A partition taken for idle no longer holds the watermark back;
 * when its records come again, those behind the others' watermark are late. So idle only after
 * longer than a broker restart or a starved split during catch-up lasts: with 5 s in fraud and
 * 30 s in surge, one run of broker-kill.faults.test.ts (broker down 3 times for ~20 s) lost 16 of
 * 50 alerts and 455 of 9,523 surge windows. The price: an empty partition holds event time back
 * this long.
 */
export const rawIdleTimeoutMs = 2 * 60_000;

/** Every raw schema's event time is its body's `ts`. */
export const eventTimeField = 'ts';
