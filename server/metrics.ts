import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { statusSeverity } from '../lib/lag/partition-status';
import type { LagReport } from '../lib/lag/lag-report';

export type IngestOutcome = 'applied' | 'stale' | 'tombstone' | 'invalid' | 'failed';

/** The gateway's Prometheus metrics, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  // Process metrics include event-loop lag (nodejs_eventloop_lag_*), heap and GC.
  collectDefaultMetrics({ register: registry, prefix: 'streamwatch_' });
  const ingestRecords = new Counter({
    name: 'streamwatch_ingest_records_total',
    help: 'Records read from Kafka by the gateway, by topic and outcome',
    labelNames: ['topic', 'outcome'] as const,
    registers: [registry],
  });
  const socketClients = new Gauge({ name: 'streamwatch_socket_clients', help: 'Connected Socket.IO clients', registers: [registry] });
  const messagesOut = new Counter({
    name: 'streamwatch_socket_messages_total',
    help: 'Messages sent to clients (a broadcast counts once per receiving client), by event',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: 'streamwatch_socket_payload_bytes_total',
    help: 'Binary payload bytes sent to clients (per receiving client), by event',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const deltasDropped = new Counter({
    name: 'streamwatch_driver_deltas_dropped_total',
    help: 'Driver deltas not sent to a client that was behind (it gets a snapshot once it drains)',
    registers: [registry],
  });
  const slowClientsDisconnected = new Counter({
    name: 'streamwatch_slow_clients_disconnected_total',
    help: 'Clients disconnected for staying behind longer than the limit',
    registers: [registry],
  });
  const conflated = new Counter({
    name: 'streamwatch_driver_updates_conflated_total',
    help: 'Driver positions superseded before the next delta went out',
    registers: [registry],
  });
  const consumerLag = new Gauge({
    name: 'streamwatch_consumer_lag_records',
    help: 'Committed offset lag per consumer group and partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  });
  const groupStatus = new Gauge({
    name: 'streamwatch_consumer_group_status',
    help: 'Lag status per consumer group: 0 OK, 1 WARN, 2 REWIND, 3 STALL, 4 STOP, 5 ERR',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const authOutcomes = new Counter({
    name: 'streamwatch_auth_total',
    help: 'Sign-ins, socket handshakes and token checks by kind and outcome (ok, or why refused)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const accessDenied = new Counter({
    name: 'streamwatch_access_denied_total',
    help: 'Subscriptions and actions refused by the permission table',
    labelNames: ['what'] as const,
    registers: [registry],
  });
  const socketsCut = new Counter({
    name: 'streamwatch_sockets_cut_total',
    help: 'Sockets closed because their session or token ended (expired, revoked)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const framesRefused = new Counter({
    name: 'streamwatch_socket_frames_refused_total',
    help: 'Client frames refused (and their connections closed), by reason: oversized, malformed',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const notificationsRecorded = new Counter({
    name: 'streamwatch_notifications_recorded_total',
    help: 'Changes the notifier recorded, by kind and whether they were announced (false: a healthy baseline)',
    labelNames: ['kind', 'announced'] as const,
    registers: [registry],
  });
  const notificationAttempts = new Counter({
    name: 'streamwatch_notification_attempts_total',
    help: 'Attempts to deliver a notification, by sink and outcome (ok, failed: retried, abandoned: given up)',
    labelNames: ['sink', 'outcome'] as const,
    registers: [registry],
  });
  const auditWrites = new Counter({
    name: 'streamwatch_audit_events_written_total',
    help: 'Audit events written to audit.events, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  const requestFailures = new Counter({
    name: 'streamwatch_request_failures_total',
    help: 'HTTP requests whose handler failed (answered 500 and logged)',
    registers: [registry],
  });
  const unhandledRejections = new Counter({
    name: 'streamwatch_unhandled_rejections_total',
    help: 'Promise rejections nothing awaited (logged with context; each one is a bug)',
    registers: [registry],
  });
  // What survives a full collection is what the process holds on to: a leak shows as its slope,
  // while the heap used between collections saws up and down with the traffic.
  const heapAfterGc = new Gauge({ name: 'streamwatch_heap_after_major_gc_bytes', help: 'V8 heap used right after the latest major (mark-compact) GC', registers: [registry] });
  const gcWatch = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (((entry as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) heapAfterGc.set(getHeapStatistics().used_heap_size);
    }
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  return {
    registry,
    /** Stops watching garbage collections (a gateway closed in a test process). */
    stop: () => gcWatch.disconnect(),
    requestFailures,
    unhandledRejections,
    authOutcomes,
    accessDenied,
    socketsCut,
    framesRefused,
    auditWrites,
    notificationsRecorded,
    notificationAttempts,
    ingestRecords,
    socketClients,
    messagesOut,
    bytesOut,
    deltasDropped,
    slowClientsDisconnected,
    conflated,
    recordLag(report: LagReport): void {
      consumerLag.reset();
      groupStatus.reset();
      for (const g of report.groups) {
        groupStatus.set({ group: g.groupId }, statusSeverity[g.status]);
        for (const p of g.partitions) {
          if (p.lag !== null) consumerLag.set({ group: g.groupId, topic: p.topic, partition: String(p.partition) }, p.lag);
        }
      }
    },
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;
