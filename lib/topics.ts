/**
 * The topic catalog: the one place a topic's name, key, schema, partitions and retention are
 * written. The stack creates topics from it, the Flink jobs get their names from it, the
 * simulator and the gateway read it.
 */

/** `compact,delete`: the latest record per key, and none older than the retention. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface TopicSpec {
  readonly name: string;
  /** What the record key holds; null when records are not keyed. */
  readonly key: string | null;
  /** Name of the value schema in lib/schemas. */
  readonly valueSchema: string;
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** -1 keeps records forever (compacted topics keep the latest per key). */
  readonly retentionMs: number;
  readonly description: string;
}

const HOUR = 3_600_000;

export const topics = {
  driverLocationsRaw: {
    name: 'raw.driver-locations',
    key: 'driverId',
    valueSchema: 'DriverLocation',
    partitions: 4,
    cleanupPolicy: 'delete',
    retentionMs: 6 * HOUR,
    description: 'Driver GPS pings as the apps send them: unvalidated, may be late or malformed.',
  },
  driversPositions: {
    name: 'drivers.positions',
    key: 'driverId',
    valueSchema: 'DriverPosition',
    partitions: 4,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'Validated latest position and status per driver (latest event time wins).',
  },
  driverLocationsDlq: {
    name: 'dlq.driver-locations',
    key: null,
    valueSchema: 'DeadLetter',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Raw driver locations that failed validation: original bytes, reason in headers.',
  },
  rideRequestsRaw: {
    name: 'raw.ride-requests',
    key: 'riderId',
    valueSchema: 'RideRequest',
    partitions: 4,
    cleanupPolicy: 'delete',
    retentionMs: 6 * HOUR,
    description: 'Riders asking for a ride (pickup point, time): the demand side of surge.',
  },
  rideRequestsDlq: {
    name: 'dlq.ride-requests',
    key: null,
    valueSchema: 'DeadLetter',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Raw ride requests that failed validation: original bytes, reason in headers.',
  },
  tripEventsRaw: {
    name: 'raw.trip-events',
    key: 'requestId',
    valueSchema: 'TripEvent',
    partitions: 4,
    cleanupPolicy: 'delete',
    retentionMs: 6 * HOUR,
    description: 'What became of each ride request (assigned, started, completed, cancelled), as dispatch reports it: the marketplace KPIs.',
  },
  tripEventsDlq: {
    name: 'dlq.trip-events',
    key: null,
    valueSchema: 'DeadLetter',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Raw trip events that failed validation: original bytes, reason in headers.',
  },
  surgeCells: {
    name: 'surge.cells',
    key: 'cell',
    valueSchema: 'SurgeCell',
    partitions: 2,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'Demand, supply and surge multiplier per H3 cell and window; written exactly-once.',
  },
  lateEvents: {
    name: 'late.events',
    key: null,
    valueSchema: 'LateEvent',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Events that arrived behind the watermark (beyond the allowed lateness): original bytes, source in headers.',
  },
  paymentsRaw: {
    name: 'raw.payments',
    key: 'riderId',
    valueSchema: 'Payment',
    partitions: 4,
    cleanupPolicy: 'delete',
    retentionMs: 6 * HOUR,
    description: 'Card payments for trips and the marketplace, with full card numbers (PCI scope: read by the fraud job, and by the KPI job for amounts only).',
  },
  paymentsDlq: {
    name: 'dlq.payments',
    key: null,
    valueSchema: 'DeadLetter',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Raw payments that failed validation: original bytes, reason in headers (PCI scope).',
  },
  paymentsDlqNotices: {
    name: 'dlq.payments.notices',
    key: null,
    valueSchema: 'DeadLetterNotice',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'One record per dead-lettered payment without its payload (reason and source in headers): what the gateway, which may not read dlq.payments, shows.',
  },
  fraudGroundTruth: {
    name: 'fraud.ground-truth',
    key: 'caseId',
    valueSchema: 'FraudCase',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Fraud the simulator injected, with the payment ids of each case: what alerts are scored against.',
  },
  fraudAlerts: {
    name: 'fraud.alerts',
    key: 'alertId',
    valueSchema: 'FraudAlert',
    partitions: 2,
    cleanupPolicy: 'delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'Suspicious payments, one record per alert, card data masked (BIN + last 4 + token).',
  },
  opsKpis: {
    name: 'ops.kpis',
    key: null,
    valueSchema: 'OpsKpis',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 30 * 24 * HOUR,
    description: 'Requests, active drivers, drivers on a trip, payments and volume, alerts: one record per minute; exactly-once.',
  },
  marketplaceKpis: {
    name: 'marketplace.kpis',
    key: null,
    valueSchema: 'MarketplaceKpis',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 30 * 24 * HOUR,
    description: 'Fulfilment, riders who gave up, pickup time p50/p90, trips started and completed: one record per minute; exactly-once.',
  },
  alertActions: {
    name: 'alert-actions',
    key: 'alertId',
    valueSchema: 'AlertAction',
    partitions: 2,
    // A log, not compacted: every action of an alert is kept, in order, for the audit trail.
    cleanupPolicy: 'delete',
    retentionMs: 30 * 24 * HOUR,
    description: 'Triage actions (acknowledge, assign, resolve, comment), applied by every gateway.',
  },
  accessGrants: {
    name: 'governance.grants',
    key: 'grantId',
    valueSchema: 'AccessGrant',
    partitions: 1,
    // Latest per grant: an issue, then its revocation, is all any gateway needs to replay.
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'Wall and embed token grants and their revocations, read by every gateway.',
  },
  userAccounts: {
    name: 'governance.users',
    key: 'name',
    valueSchema: 'UserAccount',
    partitions: 1,
    // Latest per user; a tombstone removes one (and compaction then forgets the user).
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'Local users (role, argon2id hash), read by every gateway: one set of users per cluster.',
  },
  sessionEvents: {
    name: 'governance.sessions',
    key: 'session:<id> or user:<name>',
    valueSchema: 'SessionEvent',
    partitions: 1,
    // A record ends sessions that expire within SESSION_TTL_MS (at most 7 days): kept 8 days.
    cleanupPolicy: 'compact,delete',
    retentionMs: 8 * 24 * HOUR,
    description: 'Sign-outs: one session ended, or every session of a user begun before a time; read by every gateway.',
  },
  notifySinks: {
    name: 'governance.notify-sinks',
    key: 'sink id',
    valueSchema: 'NotifySink',
    partitions: 1,
    // Latest per sink; a tombstone removes one.
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'Notification sinks (JSON and Slack webhooks) set in /admin, read by every gateway: whichever is the sender posts to the same ones.',
  },
  auditEvents: {
    name: 'audit.events',
    key: 'actor',
    valueSchema: 'AuditEvent',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 365 * 24 * HOUR,
    description: 'Sign-ins, token issue and revoke, alert actions, subscriptions to sensitive streams.',
  },
  lagHistory: {
    name: 'lag.history',
    key: 'groupId and minute',
    valueSchema: 'LagHistoryPoint',
    partitions: 1,
    // One record per group and minute, written by every gateway under the same key: compaction
    // keeps one, and nothing older than the trend's 24 hours (and an hour to spare) is kept.
    cleanupPolicy: 'compact,delete',
    retentionMs: 25 * HOUR,
    description: "Each consumer group's largest lag per minute: the lag page's 24-hour trend, the same on every gateway and after a restart.",
  },
  notifications: {
    name: 'notifications',
    key: 'subject',
    valueSchema: 'NotificationRecord',
    // One partition: the gateways' notifier group assigns it to one of them, the sender.
    partitions: 1,
    // The last word on each subject; a fraud alert's subject is done with once told, so a week bounds them.
    cleanupPolicy: 'compact,delete',
    retentionMs: 7 * 24 * HOUR,
    description: 'What the notifier last announced about each consumer group, Flink job, fraud alert and processed stream, and which sinks acknowledged it.',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof topics;

/** Broker-side topic configs derived from the spec. */
export function topicConfigEntries(spec: TopicSpec): Record<string, string> {
  const entries: Record<string, string> = {
    'cleanup.policy': spec.cleanupPolicy,
    'retention.ms': String(spec.retentionMs),
  };
  if (spec.cleanupPolicy !== 'delete') {
    // Roll and clean often enough that a restarting gateway replays minutes, not hours,
    // of superseded positions, and that each cleaning pass is small: the first pass over 50
    // minutes of drivers.positions (one 240 MB segment set) held driver latency up to 11 s in
    // the soak. 16 MiB rolls every few minutes at 3,000 drivers.
    entries['segment.ms'] = String(10 * 60_000);
    entries['segment.bytes'] = String(16 * 1024 * 1024);
    entries['min.cleanable.dirty.ratio'] = '0.1';
    entries['delete.retention.ms'] = String(HOUR);
  }
  return entries;
}

/** Headers late.events carries next to the original bytes. */
export const lateEventHeaders = {
  sourceTopic: 'late.source.topic',
  sourcePartition: 'late.source.partition',
  sourceOffset: 'late.source.offset',
  eventTime: 'late.event.time',
  watermark: 'late.watermark',
  job: 'late.job',
} as const;

/** Headers the dead-letter topics carry next to the original bytes. */
export const deadLetterHeaders = {
  reason: 'dlq.reason',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
  job: 'dlq.job',
} as const;
