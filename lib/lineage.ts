import { simulatorWrites } from './kafka-access';
import { flinkJobs, type FlinkJobKey } from './pipeline-jobs';
import type { PipelineData } from './protocol';
import { topics, type TopicKey } from './topics';

/**
 * The data lineage the pipeline page draws: simulator → raw topics → Flink jobs → processed
 * topics → dashboard panels, from the same catalog the stack runs (lib/topics.ts,
 * lib/pipeline-jobs.ts), so the drawing cannot drift from what runs.
 */
type NodeBase = {
  readonly id: string;
  readonly label: string;
  /** Left to right: one more than the furthest node feeding it; panels all in the last. */
  readonly column: number;
};

export type LineageNode =
  | (NodeBase & { readonly kind: 'source' })
  | (NodeBase & { readonly kind: 'topic'; readonly topic: TopicKey })
  | (NodeBase & { readonly kind: 'job'; readonly job: FlinkJobKey })
  | (NodeBase & { readonly kind: 'panel'; readonly href: string });

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /** A Flink job reading a topic: the edge shows that job's consumer lag on it. */
  readonly consumerGroup: string | null;
  readonly topic: TopicKey;
}


/** Which dashboard page shows which topic. */
const panels: readonly { id: string; label: string; href: string; reads: readonly TopicKey[] }[] = [
  { id: 'panel:map', label: 'Map', href: '/', reads: ['driversPositions', 'surgeCells'] },
  { id: 'panel:kpis', label: 'KPI tiles', href: '/wall', reads: ['opsKpis', 'marketplaceKpis'] },
  { id: 'panel:fraud', label: 'Fraud triage', href: '/fraud', reads: ['fraudAlerts', 'alertActions'] },
  { id: 'panel:pipeline', label: 'Quarantine (this page)', href: '/pipeline', reads: ['driverLocationsDlq', 'rideRequestsDlq', 'tripEventsDlq', 'paymentsDlqNotices', 'lateEvents'] },
  { id: 'panel:score', label: 'Fraud score (npm run score)', href: '/pipeline', reads: ['fraudGroundTruth'] },
];

export const topicNodeId = (key: TopicKey): string => `topic:${key}`;
export const jobNodeId = (key: FlinkJobKey): string => `job:${key}`;

export function lineage(): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const jobKeys = Object.keys(flinkJobs) as FlinkJobKey[];
  const topicKeys = Object.keys(topics) as TopicKey[];
  const edges: LineageEdge[] = [
    ...simulatorWrites.map((t) => ({ from: 'source:simulator', to: topicNodeId(t), consumerGroup: null, topic: t })),
    ...jobKeys.flatMap((j) => [
      ...flinkJobs[j].inputs.map((t) => ({ from: topicNodeId(t), to: jobNodeId(j), consumerGroup: flinkJobs[j].consumerGroup, topic: t })),
      ...flinkJobs[j].outputs.map((t) => ({ from: jobNodeId(j), to: topicNodeId(t), consumerGroup: null, topic: t })),
    ]),
    ...panels.flatMap((p) => p.reads.map((t) => ({ from: topicNodeId(t), to: p.id, consumerGroup: null, topic: t }))),
  ];
  // Longest path from the simulator (the graph is acyclic: jobs never read what they write).
  const column = new Map<string, number>([['source:simulator', 0]]);
  const flows = edges.filter((e) => !e.to.startsWith('panel:'));
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of flows) {
      const c = (column.get(e.from) ?? 0) + 1;
      if (c > (column.get(e.to) ?? 0)) {
        column.set(e.to, c);
        changed = true;
      }
    }
  }
  const last = Math.max(...column.values()) + 1;
  const at = (id: string): number => column.get(id) ?? 1;
  const nodes: LineageNode[] = [
    { id: 'source:simulator', kind: 'source', label: 'Simulator', column: 0 },
    ...topicKeys.map((t): LineageNode => ({ id: topicNodeId(t), kind: 'topic', label: topics[t].name, column: at(topicNodeId(t)), topic: t })),
    ...jobKeys.map((j): LineageNode => ({ id: jobNodeId(j), kind: 'job', label: flinkJobs[j].sqlFile.replace(/\.sql$/, ''), column: at(jobNodeId(j)), job: j })),
    ...panels.map((p): LineageNode => ({ id: p.id, kind: 'panel', label: p.label, column: last, href: p.href })),
  ];
  return { nodes, edges };
}

/** Records per second per topic name between two polls; empty until there are two. */
export function topicRates(previous: PipelineData | null, next: PipelineData): Map<string, number> {
  const rates = new Map<string, number>();
  if (!previous || next.at <= previous.at) return rates;
  const before = new Map(previous.topics.map((t) => [t.topic, t.end]));
  for (const t of next.topics) {
    const end = before.get(t.topic);
    if (end !== undefined && t.end >= end) rates.set(t.topic, ((t.end - end) * 1000) / (next.at - previous.at));
  }
  return rates;
}
