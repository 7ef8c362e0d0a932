import { defaultPipelineSettings, eventTimeField, flinkJobs, rawIdleTimeoutMs, type PipelineSettings } from './pipeline-jobs';
import { sqlRecordReason } from './schemas/record-checks';
import { jsonSchemaOf } from './schemas/registry';
import { SMOOTH_NEIGHBOUR_WEIGHT, SMOOTH_OWN_WEIGHT, SMOOTH_TOTAL_WEIGHT } from './surge';
import { deadLetterHeaders, lateEventHeaders } from './topics';

/**
 * Variables the runner fills itself, per job, from the environment only (KafkaSecurity.java):
 * every Kafka table's credentials, so that no password is in SQL text or a file.
 */
export const runnerKafkaVariables = ['kafka.security.protocol', 'kafka.sasl.mechanism', 'kafka.sasl.jaas.config'] as const;

/** The raw record schemas the jobs validate, each with its `check.<name>` SQL variable. */
export const checkedSchemas = ['DriverLocation', 'RideRequest', 'TripEvent', 'Payment'] as const;

/**
 * The ${...} variables a job's SQL may use: `kafka.bootstrap`, `topic.<key>` for every
 * catalog topic, `group.<jobKey>` for every job's consumer group (also the prefix of its
 * Kafka transactional ids), the `surge.*`, `fraud.*` and `time.*` settings, `dlqHeader.<key>`
 * and `lateHeader.<key>` (the header names of records set aside, from lib/topics), and
 * `check.<Schema>` for each raw schema: the SQL giving a record's dead-letter reason (NULL when valid), built from
 * lib/schemas so that no job restates a check.
 */
export function flinkSqlVariables(
  bootstrap: string,
  topicNames: Record<string, string>,
  settings: PipelineSettings = defaultPipelineSettings,
  groups: Record<string, string> = Object.fromEntries(Object.entries(flinkJobs).map(([k, j]) => [k, j.consumerGroup])),
): Record<string, string> {
  const vars: Record<string, string> = { 'kafka.bootstrap': bootstrap };
  for (const [key, name] of Object.entries(topicNames)) vars[`topic.${key}`] = name;
  for (const [key, group] of Object.entries(groups)) vars[`group.${key}`] = group;
  const { surge } = settings;
  vars['surge.h3Resolution'] = String(surge.h3Resolution);
  vars['surge.windowSeconds'] = wholeSeconds(surge.windowMs, 'surge window');
  vars['surge.slideSeconds'] = wholeSeconds(surge.slideMs, 'surge slide');
  vars['surge.latenessSeconds'] = wholeSeconds(surge.latenessMs, 'allowed lateness');
  if (!Number.isInteger(surge.minDemand) || surge.minDemand < 1) throw new Error(`surge minimum demand must be a whole number from 1, got ${surge.minDemand}`);
  vars['surge.minDemand'] = String(surge.minDemand);
  vars['surge.smoothOwnWeight'] = String(SMOOTH_OWN_WEIGHT);
  vars['surge.smoothNeighbourWeight'] = String(SMOOTH_NEIGHBOUR_WEIGHT);
  vars['surge.smoothTotalWeight'] = String(SMOOTH_TOTAL_WEIGHT);
  vars['fraud.latenessSeconds'] = wholeSeconds(settings.fraud.latenessMs, 'payment lateness');
  // A raw record's event time (shared.sql's raw_topic columns): its body's ts, or its record
  // timestamp where the body has none usable (BodyEventTime.java).
  vars['time.bodyEventTime'] = `body_event_time(payload, '${eventTimeField}', record_time, CAST(${settings.maxFutureMs} AS BIGINT))`;
  vars['time.rawIdleSeconds'] = wholeSeconds(rawIdleTimeoutMs, 'raw source idle timeout');
  // Header names of records set aside, as their readers (the gateway, the tests) look them up.
  for (const [key, header] of Object.entries(deadLetterHeaders)) vars[`dlqHeader.${key}`] = header;
  for (const [key, header] of Object.entries(lateEventHeaders)) vars[`lateHeader.${key}`] = header;
  for (const name of checkedSchemas) {
    vars[`check.${name}`] = sqlRecordReason(jsonSchemaOf(name), 'payload', { field: eventTimeField, maxFutureMs: settings.maxFutureMs });
  }
  return vars;
}

function wholeSeconds(ms: number, what: string): string {
  if (!Number.isInteger(ms / 1000) || ms <= 0) throw new Error(`${what} must be a positive whole number of seconds, got ${ms} ms`);
  return String(ms / 1000);
}
