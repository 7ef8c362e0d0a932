import { FraudAlert } from '../../lib/schemas/fraud-alert';
import type { FraudCase } from '../../lib/schemas/fraud-case';
import { OpsKpis } from '../../lib/schemas/ops-kpis';
import { SurgeCell } from '../../lib/schemas/surge-cell';
import type { ReadMessage, testKafka } from '../stack/kafka-test-client';
import { surgeWindowKey } from './surge-oracle';

/**
 * Compares what two runs of the exactly-once jobs committed (read_committed): one that was
 * broken (its Flink JVM or its broker killed) and one that ran undisturbed on the same input.
 */

/**
 * Everything committed to `topic` once `done` holds: after a pause for stragglers (a duplicate
 * would come late), the topic read again up to the end it has then. Read to its offsets, not for
 * a while: a fresh reader on a cluster just through its faults once took longer than the 8 s it
 * was given, and reported no alerts at all.
 */
export async function committed(k: ReturnType<typeof testKafka>, topic: string, done: (all: ReadMessage[]) => boolean): Promise<ReadMessage[]> {
  await k.readUntil(topic, done, 240_000);
  await new Promise((r) => setTimeout(r, 3000));
  return k.readToEnd(topic);
}

/** Done once a window ending at or after `lastEnd` was committed. */
export const surgeReached = (lastEnd: number) => (all: ReadMessage[]): boolean =>
  all.some((m) => (JSON.parse(m.value!.toString()) as SurgeCell).windowEnd >= lastEnd);

/** Done once the last injected case's last payment is evidence in some alert. */
export function alertsReached(cases: readonly FraudCase[]): (all: ReadMessage[]) => boolean {
  const last = cases.at(-1)!.paymentIds.at(-1)!;
  return (all) => all.some((m) => (JSON.parse(m.value!.toString()) as FraudAlert).paymentIds.includes(last));
}

/** Surge windows by cell and window start (those ending after `end`, held by flush records, left out), and how many came twice. */
export function surgeWindows(ms: ReadMessage[], end: number): { map: Map<string, SurgeCell>; duplicates: number } {
  const map = new Map<string, SurgeCell>();
  let duplicates = 0;
  for (const m of ms) {
    const w = SurgeCell.parse(JSON.parse(m.value!.toString('utf8')));
    if (w.windowEnd > end) continue;
    const key = surgeWindowKey(w.cell, w.windowStart);
    if (map.has(key)) duplicates++;
    map.set(key, w);
  }
  return { map, duplicates };
}

/** Alerts by id, without their detection time (wall clock), and how many came twice. */
export function alertsById(ms: ReadMessage[]): { map: Map<string, string>; duplicates: number } {
  const map = new Map<string, string>();
  let duplicates = 0;
  for (const m of ms) {
    const { detectedAt: _when, ...what } = FraudAlert.parse(JSON.parse(m.value!.toString('utf8')));
    if (map.has(what.alertId)) duplicates++;
    map.set(what.alertId, JSON.stringify(what));
  }
  return { map, duplicates };
}

export interface RunComparison {
  readonly windows: { broken: number; steady: number; differing: number; onlyInBroken: number; duplicates: [number, number] };
  readonly alerts: { broken: number; steady: number; differing: number; missing: number; extra: number; duplicates: [number, number] };
}

/** The broken run against the steady one: every window and alert equal, none twice, is a pass. */
export function compareRuns(surge: [ReadMessage[], ReadMessage[]], alerts: [ReadMessage[], ReadMessage[]], end: number): RunComparison {
  const [a, b] = surge.map((ms) => surgeWindows(ms, end)) as [ReturnType<typeof surgeWindows>, ReturnType<typeof surgeWindows>];
  const [x, y] = alerts.map(alertsById) as [ReturnType<typeof alertsById>, ReturnType<typeof alertsById>];
  return {
    windows: {
      broken: a.map.size,
      steady: b.map.size,
      differing: [...b.map].filter(([key, w]) => JSON.stringify(a.map.get(key)) !== JSON.stringify(w)).length,
      onlyInBroken: [...a.map.keys()].filter((key) => !b.map.has(key)).length,
      duplicates: [a.duplicates, b.duplicates],
    },
    alerts: {
      broken: x.map.size,
      steady: y.map.size,
      differing: [...y.map].filter(([id, v]) => x.map.has(id) && x.map.get(id) !== v).length,
      missing: [...y.map.keys()].filter((id) => !x.map.has(id)).length,
      extra: [...x.map.keys()].filter((id) => !y.map.has(id)).length,
      duplicates: [x.duplicates, y.duplicates],
    },
  };
}

/** Done once a KPI minute ending at or after `lastEnd` was committed. */
export const kpisReached = (lastEnd: number) => (all: ReadMessage[]): boolean =>
  all.some((m) => OpsKpis.parse(JSON.parse(m.value!.toString('utf8'))).windowEnd >= lastEnd);

export interface KpiComparison {
  readonly broken: number;
  readonly steady: number;
  /** Minutes both runs committed, with other figures. */
  readonly differing: readonly string[];
  readonly missing: number;
  readonly extra: number;
  readonly duplicates: [number, number];
}

/**
 * KPI minutes ending by `lastEnd` of the broken run against the steady one. Every figure is
 * compared but `alerts`: an alert is counted by the time fraud.sql wrote it, which differs
 * between two runs of the same input.
 */
export function compareKpis(broken: ReadMessage[], steady: ReadMessage[], lastEnd: number): KpiComparison {
  const [a, b] = [broken, steady].map((ms) => {
    const map = new Map<number, string>();
    let duplicates = 0;
    for (const m of ms) {
      const { alerts: _byWriteTime, ...row } = OpsKpis.parse(JSON.parse(m.value!.toString('utf8')));
      if (row.windowEnd > lastEnd) continue;
      if (map.has(row.windowStart)) duplicates++;
      map.set(row.windowStart, JSON.stringify(row));
    }
    return { map, duplicates };
  }) as [{ map: Map<number, string>; duplicates: number }, { map: Map<number, string>; duplicates: number }];
  return {
    broken: a.map.size,
    steady: b.map.size,
    differing: [...b.map].filter(([start, row]) => a.map.has(start) && a.map.get(start) !== row).map(([start, row]) => `steady ${row}, broken ${a.map.get(start)}`),
    missing: [...b.map.keys()].filter((start) => !a.map.has(start)).length,
    extra: [...a.map.keys()].filter((start) => !b.map.has(start)).length,
    duplicates: [a.duplicates, b.duplicates],
  };
}
