import type { FraudCase } from '../../lib/schemas/fraud-case';
import { fraudRules, type FraudAlert } from '../../lib/schemas/fraud-alert';

/**
 * Scores fraud alerts against the injected ground truth. An alert is a true positive when its
 * evidence shares a payment with an injected case; a case is detected when an alert of its
 * own rule does. Detection latency of a case runs from its completing payment's event time to
 * the first such alert: detectedAt (when Flink computed it) and, when known, visibleAt (when
 * a read_committed consumer first saw it, i.e. after the checkpoint that committed it).
 */

export type ScoredAlert = Pick<FraudAlert, 'alertId' | 'rule' | 'paymentIds' | 'eventTime' | 'detectedAt'> & { readonly visibleAt?: number };

export interface Percentiles {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface FraudScore {
  readonly alerts: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly cases: number;
  readonly detected: number;
  readonly recall: number;
  readonly byRule: Record<string, { cases: number; detected: number; alerts: number; truePositives: number }>;
  readonly detectionLatencyMs: Percentiles | null;
  readonly visibleLatencyMs: Percentiles | null;
  readonly missed: readonly FraudCase[];
  readonly falseAlerts: readonly ScoredAlert[];
}

/** Cases completed after `casesUntil` are left out: their alerts may not be due yet. */
export function scoreFraud(alerts: readonly ScoredAlert[], cases: readonly FraudCase[], casesUntil = Infinity): FraudScore {
  const scored = cases.filter((c) => c.completedAt <= casesUntil);
  const caseOfPayment = new Map<string, FraudCase[]>();
  for (const c of cases) for (const id of c.paymentIds) caseOfPayment.set(id, [...(caseOfPayment.get(id) ?? []), c]);

  const byRule: FraudScore['byRule'] = Object.fromEntries(fraudRules.map((r) => [r, { cases: 0, detected: 0, alerts: 0, truePositives: 0 }]));
  const firstAlert = new Map<string, ScoredAlert>();
  const falseAlerts: ScoredAlert[] = [];
  for (const alert of alerts) {
    const matched = alert.paymentIds.flatMap((id) => caseOfPayment.get(id) ?? []);
    byRule[alert.rule]!.alerts++;
    if (matched.length === 0) {
      falseAlerts.push(alert);
      continue;
    }
    byRule[alert.rule]!.truePositives++;
    for (const c of matched) {
      if (c.rule !== alert.rule) continue;
      const seen = firstAlert.get(c.caseId);
      if (!seen || alert.detectedAt < seen.detectedAt) firstAlert.set(c.caseId, alert);
    }
  }
  const detectionLatencies: number[] = [];
  const visibleLatencies: number[] = [];
  const missed: FraudCase[] = [];
  for (const c of scored) {
    byRule[c.rule]!.cases++;
    const alert = firstAlert.get(c.caseId);
    if (!alert) {
      missed.push(c);
      continue;
    }
    byRule[c.rule]!.detected++;
    detectionLatencies.push(alert.detectedAt - c.completedAt);
    if (alert.visibleAt !== undefined) visibleLatencies.push(alert.visibleAt - c.completedAt);
  }
  const truePositives = alerts.length - falseAlerts.length;
  const detected = scored.length - missed.length;
  return {
    alerts: alerts.length,
    truePositives,
    precision: alerts.length === 0 ? 0 : truePositives / alerts.length,
    cases: scored.length,
    detected,
    recall: scored.length === 0 ? 0 : detected / scored.length,
    byRule,
    detectionLatencyMs: percentiles(detectionLatencies),
    visibleLatencyMs: percentiles(visibleLatencies),
    missed,
    falseAlerts,
  };
}

/** Nearest-rank percentiles. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { n: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted.at(-1)! };
}

export function formatScore(s: FraudScore): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lat = (p: Percentiles | null) => (p ? `p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms (n=${p.n})` : 'n/a');
  const lines = [
    `precision ${pct(s.precision)} (${s.truePositives}/${s.alerts} alerts)   recall ${pct(s.recall)} (${s.detected}/${s.cases} cases)`,
    `detection latency (Flink computed):  ${lat(s.detectionLatencyMs)}`,
    `visible latency (read_committed):    ${lat(s.visibleLatencyMs)}`,
    ...Object.entries(s.byRule).map(([rule, r]) => `  ${rule.padEnd(18)} cases ${r.detected}/${r.cases} detected, alerts ${r.truePositives}/${r.alerts} true`),
  ];
  return lines.join('\n');
}
