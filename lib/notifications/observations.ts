import { freshness, staleAfterMs, type PanelKey } from '../freshness';
import type { LagReport } from '../lag/lag-report';
import type { LagStatus } from '../lag/partition-status';
import type { PipelineStatus } from '../pipeline-status';
import type { FraudAlert } from '../schemas/fraud-alert';
import type { NotificationKind, NotificationRecord } from '../schemas/notification';
import { topics } from '../topics';

/** What one subject looks like now; the notifier compares it with what it last said (decide). */
export interface Observation {
  readonly subject: string;
  readonly kind: NotificationKind;
  readonly status: string;
  /** A healthy first sighting is recorded as the baseline, not announced. */
  readonly healthy: boolean;
  readonly severity: NotificationRecord['severity'];
  readonly title: string;
  readonly text: string;
  /** When an event happened (a fraud alert's detection); a state (lag, a job, a stream) is dated when seen. */
  readonly happenedAt?: number;
}

const lagSeverity: Record<LagStatus, NotificationRecord['severity']> = { OK: 'info', WARN: 'warning', REWIND: 'warning', STALL: 'warning', STOP: 'critical', ERR: 'critical' };

/** One observation per consumer group: its status (OK, WARN, STALL, STOP, REWIND, ERR). */
export function lagObservations(report: LagReport): Observation[] {
  return report.groups.map((g) => ({
    subject: `lag:${g.groupId}`,
    kind: 'lag-status',
    status: g.status,
    healthy: g.status === 'OK',
    severity: lagSeverity[g.status],
    title: `Consumer group ${g.groupId} is ${g.status}`,
    text: `lag ${g.totalLag} records${g.maxTimeLagMs === null ? '' : `, ${Math.round(g.maxTimeLagMs / 1000)} s behind`}; Kafka state ${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}`,
  }));
}

/** One observation per Flink job by name (a resubmitted job keeps its name, not its id): RUNNING or not. */
export function flinkObservations(status: PipelineStatus): Observation[] {
  // An unreachable JobManager says nothing about the jobs; the lag page shows that separately.
  if (!status.reachable) return [];
  return status.jobs.map((j) => ({
    subject: `flink:${j.name}`,
    kind: 'flink-job',
    status: j.state,
    healthy: j.state === 'RUNNING',
    severity: j.state === 'RUNNING' ? 'info' : j.state === 'FAILED' ? 'critical' : 'warning',
    title: j.state === 'RUNNING' ? `Flink job ${j.name} is running` : `Flink job ${j.name} left RUNNING: ${j.state}`,
    text: `${j.tasksRunning}/${j.tasksTotal} tasks running, ${j.restarts} restart${j.restarts === 1 ? '' : 's'}`,
  }));
}

/**
 * Fraud alerts at or above `minScore` detected within `maxAgeMs`: a notifier that starts (or a
 * threshold that is lowered) does not page anyone about last week's alerts. Card data: the last
 * four digits only.
 */
export function fraudObservations(alerts: Iterable<Pick<FraudAlert, 'alertId' | 'rule' | 'score' | 'paymentIds' | 'detectedAt'> & { readonly last4: string | null }>, minScore: number, now: number, maxAgeMs: number): Observation[] {
  const out: Observation[] = [];
  for (const a of alerts) {
    if (a.score < minScore || now - a.detectedAt > maxAgeMs) continue;
    out.push({
      subject: `fraud:${a.alertId}`,
      kind: 'fraud-alert',
      status: a.rule,
      healthy: false,
      severity: a.score >= 0.9 ? 'critical' : 'warning',
      title: `Fraud alert ${a.rule} (score ${a.score.toFixed(2)})`,
      text: `${a.last4 ? `card ending ${a.last4}` : 'card masked'}, ${a.paymentIds.length} payment${a.paymentIds.length === 1 ? '' : 's'} in evidence; alert ${a.alertId}`,
      happenedAt: a.detectedAt,
    });
  }
  return out;
}

/** The processed streams a notifier watches, by the panel whose staleness threshold applies. */
export const watchedStreams: Readonly<Record<string, PanelKey>> = {
  [topics.driversPositions.name]: 'drivers',
  [topics.surgeCells.name]: 'surge',
  [topics.opsKpis.name]: 'kpis',
};

/**
 * A processed stream is stale when this gateway has received nothing on it for longer than its
 * panel's threshold (lib/freshness.ts: the wall's STALE badge and this notification agree). A
 * stream that never had a record is waiting, not stale.
 */
export function streamObservations(lastRecordAt: (topic: string) => number, now: number): Observation[] {
  const out: Observation[] = [];
  for (const [topic, panel] of Object.entries(watchedStreams)) {
    const f = freshness(lastRecordAt(topic), null, now, staleAfterMs[panel]);
    if (f.state === 'waiting') continue;
    const stale = f.state === 'stale';
    out.push({
      subject: `stream:${topic}`,
      kind: 'stream-stale',
      status: stale ? 'stale' : 'fresh',
      healthy: !stale,
      severity: stale ? 'critical' : 'info',
      title: stale ? `${topic} went stale` : `${topic} is flowing again`,
      text: stale ? `nothing received for ${Math.round(f.ageMs / 1000)} s (threshold ${staleAfterMs[panel] / 1000} s)` : `a record received ${Math.round(f.ageMs / 1000)} s ago`,
    });
  }
  return out;
}

/**
 * What to record about an observation given the last record of its subject: nothing when its
 * status is unchanged; a silent baseline when the subject is new and healthy, or is a state
 * found on the `firstLook` of a notifier that has just begun speaking (it did not see it change:
 * a Flink job failed before anyone configured a sink is on the dashboard, not news); otherwise a
 * change to announce, dated when it happened (an event) or was seen (a state).
 */
export function decide(previous: NotificationRecord | undefined, o: Observation, at: number, firstLook = false): NotificationRecord | null {
  if (previous && previous.status === o.status) return null;
  const baseline = !previous && (o.healthy || (firstLook && o.happenedAt === undefined));
  at = o.happenedAt ?? at;
  return {
    subject: o.subject,
    kind: o.kind,
    status: o.status,
    severity: o.severity,
    title: o.title,
    text: o.text,
    at,
    eventId: `${o.subject}@${at}:${o.status}`,
    notify: !baseline,
    deliveredTo: [],
    abandonedBy: [],
  };
}
