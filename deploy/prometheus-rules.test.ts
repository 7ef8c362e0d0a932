import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Metric } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { GroupLag } from '../lib/lag/lag-report';
import { statusSeverity, type LagStatus } from '../lib/lag/partition-status';
import { createMetrics } from '../server/metrics';
import { prometheusRules, prometheusRulesYaml, type AlertRule } from './prometheus-rules';

const file = fileURLToPath(new URL('./prometheus/streamwatch-rules.yaml', import.meta.url));
const rules = prometheusRules().groups.flatMap((g) => g.rules);
/** Labels Prometheus adds to every scraped series. */
const targetLabels = ['instance', 'job'];
let metrics: ReturnType<typeof createMetrics> | null = null;
afterEach(() => {
  metrics?.stop();
  metrics = null;
});

/** Every series an expression reads, with the label names it matches on or groups by. */
function seriesOf(rule: AlertRule): { name: string; labels: string[] }[] {
  const grouped = [...rule.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
  return [...rule.expr.matchAll(/\b(streamwatch_[a-z0-9_]+)(\{([^}]*)\})?/g)].map((m) => ({
    name: m[1]!,
    labels: [...grouped, ...[...(m[3] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!)],
  }));
}

describe('deploy/prometheus', () => {
  it('is up to date with its generator (npm run deploy:write) and parses as a rules file', () => {
    const text = readFileSync(file, 'utf8');
    expect(text, 'deploy/prometheus/streamwatch-rules.yaml is out of date: npm run deploy:write').toBe(prometheusRulesYaml());
    const parsed = parse(text) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    for (const rule of parsed.groups.flatMap((g) => g.rules)) {
      expect(Object.keys(rule).sort()).toEqual(expect.arrayContaining(['alert', 'annotations', 'expr', 'labels']));
      expect(rule.for ?? '1m').toMatch(/^\d+[smh]$/);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('reads only series the gateway serves, by labels they carry', () => {
    metrics = createMetrics();
    const registry = metrics.registry;
    for (const rule of rules) {
      for (const series of seriesOf(rule)) {
        const metric = registry.getSingleMetric(series.name) as (Metric & { labelNames?: string[] }) | undefined;
        expect(metric, `${rule.alert} reads ${series.name}, which /metrics does not serve`).toBeDefined();
        for (const label of series.labels) expect([...(metric!.labelNames ?? []), ...targetLabels], `${rule.alert}: ${series.name} has no label ${label}`).toContain(label);
      }
    }
  });

  it('has exactly one rule for each lag status but OK, comparing with the number the gateway exports for it', async () => {
    metrics = createMetrics();
    const lagRules = prometheusRules().groups.find((g) => g.name === 'streamwatch-consumer-lag')!.rules;
    for (const status of Object.keys(statusSeverity) as LagStatus[]) {
      const group: GroupLag = { groupId: `g-${status}`, state: 'Stable', members: 1, status, totalLag: 0, maxTimeLagMs: null, partitions: [] };
      metrics.recordLag({ at: 1, groups: [group] });
      const exported = (await metrics.registry.getSingleMetric('streamwatch_consumer_group_status')!.get()).values.find((v) => v.labels.group === group.groupId)!.value;
      const firing = lagRules.filter((r) => Number(/== (\d+)$/.exec(r.expr)![1]) === exported);
      expect(firing.map((r) => r.annotations.summary), status).toHaveLength(status === 'OK' ? 0 : 1);
      if (status !== 'OK') expect(firing[0]!.annotations.summary).toContain(`(${status})`);
    }
  });
});
