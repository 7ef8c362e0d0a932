import { describe, expect, it } from 'vitest';
import { jobNodeId, lineage, topicNodeId, topicRates } from './lineage';
import { flinkJobs, type FlinkJobKey } from './pipeline-jobs';
import type { PipelineData } from './protocol';
import { topics, type TopicKey } from './topics';

describe('lineage', () => {
  const { nodes, edges } = lineage();
  const ids = new Set(nodes.map((n) => n.id));

  it('draws every catalog topic and every Flink job once', () => {
    expect(nodes.filter((n) => n.kind === 'topic')).toHaveLength(Object.keys(topics).length);
    expect(nodes.filter((n) => n.kind === 'job')).toHaveLength(Object.keys(flinkJobs).length);
    expect(ids.size).toBe(nodes.length);
  });

  it('connects every job to its inputs (with its consumer group) and its outputs', () => {
    for (const j of Object.keys(flinkJobs) as FlinkJobKey[]) {
      for (const t of flinkJobs[j].inputs) expect(edges).toContainEqual({ from: topicNodeId(t), to: jobNodeId(j), consumerGroup: flinkJobs[j].consumerGroup, topic: t });
      for (const t of flinkJobs[j].outputs) expect(edges).toContainEqual({ from: jobNodeId(j), to: topicNodeId(t), consumerGroup: null, topic: t });
    }
  });

  it('has no edge to or from a node it does not draw, and flows left to right', () => {
    const column = new Map(nodes.map((n) => [n.id, n.column]));
    for (const e of edges) {
      expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
      expect(column.get(e.to)!).toBeGreaterThan(column.get(e.from)!);
    }
  });

  it('puts raw input topics before the jobs and job outputs after them', () => {
    const columnOf = (t: TopicKey) => nodes.find((n) => n.id === topicNodeId(t))!.column;
    expect(columnOf('driverLocationsRaw')).toBe(1);
    expect(columnOf('surgeCells')).toBe(3);
    expect(columnOf('fraudAlerts')).toBe(3);
    // The KPI job reads the fraud job's alerts, so it comes after them.
    expect(nodes.find((n) => n.id === jobNodeId('kpis'))!.column).toBe(4);
    expect(columnOf('opsKpis')).toBe(5);
  });
});

describe('topicRates', () => {
  const data = (at: number, end: number): PipelineData => ({ at, topics: [{ topic: topics.driverLocationsRaw.name, end, records: end }], quarantine: [] });

  it('is records per second between two polls', () => {
    expect(topicRates(data(1_000, 100), data(3_000, 5_100)).get(topics.driverLocationsRaw.name)).toBe(2_500);
  });

  it('is nothing without an earlier poll, or when offsets went back (topic recreated)', () => {
    expect(topicRates(null, data(1_000, 100)).size).toBe(0);
    expect(topicRates(data(1_000, 500), data(2_000, 100)).size).toBe(0);
  });
});
