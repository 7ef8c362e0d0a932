import { stringify } from 'yaml';
import { statusSeverity, type LagStatus } from '../lib/lag/partition-status';

/**
 * Alerting rules for teams that already run Prometheus and Alertmanager, over the series a
 * gateway serves at /metrics (scraped with the `OPS_TOKEN` bearer token). The lag statuses'
 * numbers come from lib/lag's severity table, so a renumbered status cannot leave a rule
 * watching the wrong one. Every gateway reports every group, so group rules take the worst
 * (`max by (group)`) over the gateways.
 */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: 'critical' | 'warning' | 'info' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

const groupStatus = (status: LagStatus) => `max by (group) (streamwatch_consumer_group_status) == ${statusSeverity[status]}`;

const lagRules: AlertRule[] = [
  {
    alert: 'StreamwatchConsumerGroupStopped',
    expr: groupStatus('STOP'),
    for: '1m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} has stopped (STOP)',
      description: 'Its topic moves but nobody consumes for the group: no members, or its Flink job is not running. The dashboard data it feeds is going stale.',
    },
  },
  {
    alert: 'StreamwatchConsumerGroupStalled',
    expr: groupStatus('STALL'),
    for: '2m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} is stalled (STALL)',
      description: 'The group has a live consumer whose committed offsets do not move while lag remains: a stuck consumer or a failing checkpoint.',
    },
  },
  {
    alert: 'StreamwatchConsumerGroupOffsetsInvalid',
    expr: groupStatus('ERR'),
    for: '2m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} has no valid committed offset (ERR)',
      description: 'A partition has no committed offset, or one beyond the log end (topic recreated, offsets reset).',
    },
  },
  {
    alert: 'StreamwatchConsumerGroupRewound',
    expr: groupStatus('REWIND'),
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} went back in its topic (REWIND)',
      description: 'Committed offsets moved backwards: someone reset or replayed the group. Its output may repeat records.',
    },
  },
  {
    alert: 'StreamwatchConsumerGroupFallingBehind',
    expr: groupStatus('WARN'),
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} is falling behind (WARN)',
      description: 'Lag has grown over the whole status window for five minutes: the consumer is slower than its topic.',
    },
  },
];

const gatewayRules: AlertRule[] = [
  {
    alert: 'StreamwatchGatewayRecordsRefused',
    expr: 'sum by (topic) (increase(streamwatch_ingest_records_total{outcome=~"invalid|failed"}[5m])) > 0',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Gateways refused records of {{ $labels.topic }}',
      description: 'Records that break the topic’s schema reached the gateway (logged with partition and offset): a producer or job writes something new.',
    },
  },
  {
    alert: 'StreamwatchAuditWritesFailing',
    expr: 'sum(increase(streamwatch_audit_events_written_total{outcome="failed"}[5m])) > 0',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Audit events could not be written to Kafka',
      description: 'The audit trail is missing sensitive actions taken meanwhile; each lost event is logged in full by the gateway that took it.',
    },
  },
  {
    alert: 'StreamwatchNotificationsUndelivered',
    expr: 'sum by (sink) (increase(streamwatch_notification_attempts_total{outcome="abandoned"}[15m])) > 0',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Notifications to {{ $labels.sink }} were given up',
      description: 'The sink refused or did not answer until the delivery deadline (NOTIFY_DEADLINE_MS): people were not told of a lag status change, a Flink job, a fraud alert or a stale stream. Each attempt is in the audit trail.',
    },
  },
  {
    alert: 'StreamwatchNotificationsFailing',
    expr: 'sum by (sink) (increase(streamwatch_notification_attempts_total{outcome="failed"}[10m])) > 5',
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Notifications to {{ $labels.sink }} keep failing',
      description: 'The notifier retries with backoff; the sink is down or refuses the messages.',
    },
  },
  {
    alert: 'StreamwatchGatewayEventLoopSlow',
    expr: 'max by (instance) (streamwatch_nodejs_eventloop_lag_p99_seconds) > 0.1',
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Gateway {{ $labels.instance }} event loop p99 above 100 ms',
      description: 'Screens get their updates late. Usually more screens or drivers than the gateway is sized for: see docs/capacity.md.',
    },
  },
  {
    alert: 'StreamwatchUnhandledRejections',
    expr: 'sum by (instance) (increase(streamwatch_unhandled_rejections_total[10m])) > 0',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Gateway {{ $labels.instance }} had a promise rejection nothing handled',
      description: 'Each one is a bug: the gateway logs it with its context.',
    },
  },
  {
    alert: 'StreamwatchRequestFailures',
    expr: 'sum by (instance) (increase(streamwatch_request_failures_total[5m])) > 0',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Gateway {{ $labels.instance }} answered requests with 500',
      description: 'A request handler failed; the gateway logs each with its route.',
    },
  },
  {
    alert: 'StreamwatchSlowClientsCut',
    expr: 'sum(increase(streamwatch_slow_clients_disconnected_total[10m])) > 10',
    labels: { severity: 'info' },
    annotations: {
      summary: 'Screens are being cut for not keeping up',
      description: 'More than ten screens in ten minutes could not take their deltas (slow network or an overloaded browser).',
    },
  },
];

export function prometheusRules(): { groups: { name: string; rules: AlertRule[] }[] } {
  return {
    groups: [
      { name: 'streamwatch-consumer-lag', rules: lagRules },
      { name: 'streamwatch-gateway', rules: gatewayRules },
    ],
  };
}

export function prometheusRulesYaml(): string {
  return (
    '# Generated from deploy/prometheus-rules.ts by `npm run deploy:write`: do not edit.\n' +
    '# Prometheus alerting rules for the gateways\' /metrics (rule_files: in prometheus.yml, or a PrometheusRule\'s spec).\n' +
    stringify(prometheusRules())
  );
}
