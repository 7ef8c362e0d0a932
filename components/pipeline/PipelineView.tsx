'use client';

import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatAge } from '../../lib/format-age';
import { freshness, staleAfterMs } from '../../lib/freshness';
import type { LagReport } from '../../lib/lag/lag-report';
import { lineage, topicRates, type LineageEdge, type LineageNode } from '../../lib/lineage';
import type { FlinkJobStatus, PipelineStatus } from '../../lib/pipeline-status';
import type { PipelineData, QuarantinedTopic } from '../../lib/protocol';
import { topics } from '../../lib/topics';
import { pipelineDataStore, useLag, useNow, usePipeline, usePipelineData } from '../live/use-latest';
import { Panel, Skeleton } from '../panel/Panel';
import { TopicSchemas } from './TopicSchemas';

const COLUMN_WIDTH = 210;
const NODE_WIDTH = 170;
const ROW_HEIGHT = 72;
const NODE_HEIGHT = 60;
const graph = lineage();

/** Lineage with live figures on it, then what the pipeline set aside. */
export function PipelineView() {
  const now = useNow(1000);
  const status = usePipeline();
  const lag = useLag();
  const data = usePipelineData();
  const rates = useRates(data);
  const fresh = freshness(data ? pipelineDataStore().receivedAt() : 0, null, now, staleAfterMs.pipeline);
  return (
    <div className="min-h-0 flex-1 space-y-3 overflow-y-auto p-3">
      <Panel title="Lineage: simulator → topics → Flink jobs → topics → dashboard" freshness={fresh} testId="pipeline.lineage">
        {data ? <LineageGraph status={status} lag={lag} rates={rates} data={data} /> : <Skeleton rows={6} />}
      </Panel>
      <Panel title="Quarantine: dead letters and late events" freshness={fresh} testId="pipeline.quarantine">
        {data ? <Quarantine topics={data.quarantine} now={now} /> : <Skeleton rows={4} />}
      </Panel>
      <section aria-label="Topics and record schemas" className="rounded-lg border border-edge bg-panel" data-testid="pipeline.schemas">
        <h2 className="border-b border-edge px-3 py-1.5 text-sm font-semibold">Topics and record schemas (lib/schemas/registry)</h2>
        <TopicSchemas />
      </section>
    </div>
  );
}

/** Records per second per topic, from the last two polls. */
function useRates(data: PipelineData | null): Map<string, number> {
  const previous = useRef<PipelineData | null>(null);
  const [rates, setRates] = useState(new Map<string, number>());
  useEffect(() => {
    if (!data) return;
    setRates(topicRates(previous.current, data));
    previous.current = data;
  }, [data]);
  return rates;
}

function LineageGraph({ status, lag, rates, data }: { status: PipelineStatus | null; lag: LagReport | null; rates: Map<string, number>; data: PipelineData }) {
  const layout = useMemo(() => {
    const rows = new Map<number, number>();
    const position = new Map<string, { x: number; y: number }>();
    for (const n of graph.nodes) {
      const row = rows.get(n.column) ?? 0;
      rows.set(n.column, row + 1);
      position.set(n.id, { x: 10 + n.column * COLUMN_WIDTH, y: 10 + row * ROW_HEIGHT });
    }
    const height = 20 + Math.max(...rows.values()) * ROW_HEIGHT;
    const width = 20 + (Math.max(...graph.nodes.map((n) => n.column)) + 1) * COLUMN_WIDTH;
    return { position, width, height };
  }, []);
  const jobs = new Map((status?.jobs ?? []).map((j) => [j.name, j]));
  const records = new Map(data.topics.map((t) => [t.topic, t.records]));
  return (
    <div className="overflow-x-auto p-2">
      <svg width={layout.width} height={layout.height} role="group" aria-label="Data lineage with live rates" className="text-xs">
        {graph.edges.map((e) => (
          <Edge key={`${e.from}->${e.to}`} edge={e} from={layout.position.get(e.from)!} to={layout.position.get(e.to)!} lag={lagOf(lag, e)} />
        ))}
        {graph.nodes.map((n) => (
          <Node
            key={n.id}
            node={n}
            at={layout.position.get(n.id)!}
            job={n.kind === 'job' ? jobs.get(n.label) : undefined}
            inputLag={n.kind === 'job' ? inputLag(lag, n.id) : null}
            statusAt={status?.at ?? 0}
            rate={n.kind === 'topic' ? rates.get(topics[n.topic].name) : undefined}
            records={n.kind === 'topic' ? records.get(topics[n.topic].name) : undefined}
          />
        ))}
      </svg>
    </div>
  );
}

/** A Flink job's consumer lag over all its inputs; null before its group has committed. */
function inputLag(report: LagReport | null, jobNodeId: string): number | null {
  const lags = graph.edges.filter((e) => e.to === jobNodeId).map((e) => lagOf(report, e));
  return lags.every((l) => l === null) ? null : lags.reduce<number>((sum, l) => sum + (l ?? 0), 0);
}

/** A Flink job's lag on one of its input topics, summed over partitions. */
function lagOf(report: LagReport | null, edge: LineageEdge): number | null {
  if (!report || !edge.consumerGroup) return null;
  const group = report.groups.find((g) => g.groupId === edge.consumerGroup);
  const parts = group?.partitions.filter((p) => p.topic === topics[edge.topic].name) ?? [];
  return parts.length ? parts.reduce((sum, p) => sum + (p.lag ?? 0), 0) : null;
}

function Edge({ edge, from, to, lag }: { edge: LineageEdge; from: { x: number; y: number }; to: { x: number; y: number }; lag: number | null }) {
  const [x1, y1] = [from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2];
  const [x2, y2] = [to.x, to.y + NODE_HEIGHT / 2];
  const mid = (x1 + x2) / 2;
  return (
    <g data-testid={`pipeline.edge.${edge.from}->${edge.to}`}>
      <path d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} fill="none" stroke="#334155" strokeWidth={1.5}>
        <title>{`${topics[edge.topic].name}${lag === null ? '' : `: consumer lag ${lag.toLocaleString('en-US')}`}`}</title>
      </path>
    </g>
  );
}

function Node({ node, at, job, inputLag, statusAt, rate, records }: { node: LineageNode; at: { x: number; y: number }; job?: FlinkJobStatus; inputLag: number | null; statusAt: number; rate?: number; records?: number }) {
  const quarantine = node.kind === 'topic' && (node.topic.endsWith('Dlq') || node.topic === 'lateEvents');
  const stroke = node.kind === 'job' ? (job?.state === 'RUNNING' ? '#22c55e' : '#f87171') : quarantine ? '#f59e0b' : '#334155';
  const lines: string[] = [];
  if (node.kind === 'topic') lines.push(`${rate === undefined ? '…' : `${rate < 10 ? rate.toFixed(1) : Math.round(rate).toLocaleString('en-US')} rec/s`} · ${records?.toLocaleString('en-US') ?? '…'} kept`);
  if (node.kind === 'job') {
    if (!job) lines.push('not running');
    else {
      lines.push(`${job.state} · bp ${job.backpressure.level}`);
      lines.push(`wm ${job.watermark === null ? '—' : `${formatAge(Math.max(0, statusAt - job.watermark))} behind`} · ckpt ${job.checkpoints.lastCompletedAt ? formatAge(statusAt - job.checkpoints.lastCompletedAt) : '—'}`);
      lines.push(`input lag ${inputLag === null ? '—' : inputLag.toLocaleString('en-US')}`);
    }
  }
  const body = (
    <g data-testid={`pipeline.node.${node.id}`}>
      <rect x={at.x} y={at.y} width={NODE_WIDTH} height={NODE_HEIGHT} rx={6} className="fill-panel" stroke={stroke} strokeWidth={1.5} />
      <text x={at.x + 8} y={at.y + 16} className="fill-ink font-mono">
        {node.label}
      </text>
      {lines.map((l, i) => (
        <text key={i} x={at.x + 8} y={at.y + 30 + i * 12} className="fill-muted text-[10px]" data-testid={i === 0 ? 'pipeline.node.detail' : undefined}>
          {l}
        </text>
      ))}
    </g>
  );
  return node.kind === 'panel' ? <Link href={node.href}>{body}</Link> : body;
}

function Quarantine({ topics: quarantined, now }: { topics: readonly QuarantinedTopic[]; now: number }) {
  return (
    <div className="grid gap-3 p-3 xl:grid-cols-2">
      {quarantined.map((q) => (
        <section key={q.topic} aria-label={q.topic} className="rounded border border-edge p-2 text-sm" data-testid={`quarantine.${q.topic}`}>
          <h3 className="flex justify-between font-mono">
            {q.topic}
            <span className={q.count > 0 ? 'text-en-route' : 'text-muted'} data-testid="quarantine.count">
              {q.count.toLocaleString('en-US')}
            </span>
          </h3>
          {q.count === 0 ? (
            <p className="text-muted">Nothing set aside.</p>
          ) : (
            <>
              <ul className="my-1 flex flex-wrap gap-x-3 text-xs text-muted">
                {Object.entries(q.reasons)
                  .sort((a, b) => b[1] - a[1])
                  .slice(0, 6)
                  .map(([reason, n]) => (
                    <li key={reason}>
                      {reason}: {n.toLocaleString('en-US')}
                    </li>
                  ))}
              </ul>
              <table className="w-full table-fixed text-xs">
                <tbody>
                  {q.samples.slice(0, 5).map((s) => (
                    <tr key={`${s.partition}-${s.offset}`} className="border-t border-edge align-top" data-testid="quarantine.sample">
                      <td className="w-14 py-0.5 text-muted">{formatAge(Math.max(0, now - s.at))}</td>
                      <td className="w-1/3 py-0.5">{s.reason}</td>
                      <td className="truncate py-0.5 font-mono text-muted" title={s.payload ?? undefined}>
                        {s.payload ?? <em>payload withheld (PCI scope)</em>}
                        {s.source ? ` ← ${s.source}` : ''}
                        {s.job ? ` (${s.job})` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      ))}
    </div>
  );
}
