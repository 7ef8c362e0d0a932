'use client';

import { useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { countByStatus, nextSelection, openAlerts, triageQueue, triageStatuses, type QueueFilter } from '../../lib/alert-queue';
import type { TriageStatus } from '../../lib/alert-workflow';
import { formatAge } from '../../lib/format-age';
import { freshness, staleAfterMs } from '../../lib/freshness';
import type { AlertRecord } from '../../lib/protocol';
import type { AlertActionRequest } from '../../lib/schemas/alert-action';
import { fraudRules } from '../../lib/schemas/fraud-alert';
import type { AlertFrame } from '../live/alert-store';
import { useSession } from '../live/use-latest';
import { cardLabel } from '../../lib/card';
import { alertStore, useAlerts } from '../live/use-alerts';
import { heartbeatStore, useNow } from '../live/use-latest';
import { FreshnessBadge } from '../panel/Panel';
import { AlertMiniMap } from './AlertMiniMap';

const statusBadge: Record<TriageStatus, string> = {
  new: 'bg-red-500/20 text-red-300',
  acknowledged: 'bg-en-route/20 text-en-route',
  // Blue on its own tint falls short of 4.5:1 (WCAG AA); a lighter blue reads.
  assigned: 'bg-on-trip/20 text-blue-300',
  resolved: 'bg-idle/20 text-idle',
};

const views: { label: string; statuses: readonly TriageStatus[] }[] = [
  { label: 'Open', statuses: openAlerts.statuses },
  ...triageStatuses.map((s) => ({ label: s[0]!.toUpperCase() + s.slice(1), statuses: [s] })),
  { label: 'All', statuses: [] },
];

const shortcuts = [
  ['j / ↓', 'next alert'],
  ['k / ↑', 'previous alert'],
  ['a', 'acknowledge'],
  ['m', 'assign to me'],
  ['f', 'resolve as fraud'],
  ['l', 'resolve as legitimate'],
  ['c', 'write a comment'],
] as const;

type Act = (request: DistributiveOmit<AlertActionRequest, 'actionId'>) => void;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The live triage queue and the selected alert's evidence, shared with every viewer. */
export function FraudTriage() {
  const frame = useAlerts();
  const [filter, setFilter] = useState<QueueFilter>(openAlerts);
  const [selected, setSelected] = useState<string | null>(null);
  const session = useSession();
  const me = session?.name ?? '';
  const selectedIndex = useRef(0);
  const commentBox = useRef<HTMLTextAreaElement>(null);

  const queue = useMemo(() => (frame ? triageQueue(frame.records, filter) : []), [frame, filter]);
  const current = nextSelection(queue, selected, selectedIndex.current);
  const index = queue.findIndex((r) => r.alert.alertId === current);
  if (index >= 0) selectedIndex.current = index;
  const record = index >= 0 ? queue[index]! : null;

  const act: Act = (request) => {
    void alertStore().act({ ...request, actionId: crypto.randomUUID() } as AlertActionRequest, me || 'anonymous');
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLElement>): void => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const move = (by: number) => {
      if (queue.length === 0) return;
      const next = queue[Math.min(Math.max(index + by, 0), queue.length - 1)]!;
      setSelected(next.alert.alertId);
    };
    const id = record?.alert.alertId;
    const handled: Record<string, () => void> = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      a: () => id && act({ type: 'acknowledge', alertId: id }),
      m: () => id && act({ type: 'assign', alertId: id, assignee: me || 'anonymous' }),
      f: () => id && act({ type: 'resolve', alertId: id, resolution: 'fraud' }),
      l: () => id && act({ type: 'resolve', alertId: id, resolution: 'legitimate' }),
      c: () => commentBox.current?.focus(),
    };
    const run = handled[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  };

  return (
    <div className="flex min-h-0 flex-1 outline-none" onKeyDown={onKeyDown} tabIndex={-1} data-testid="fraud.page">
      <section className="flex w-[28rem] min-w-[20rem] flex-col border-r border-edge" aria-label="Triage queue">
        <QueueFilters frame={frame} filter={filter} onChange={setFilter} />
        <QueueList frame={frame} queue={queue} selectedId={current} onSelect={setSelected} />
      </section>
      <section className="min-w-0 flex-1 overflow-y-auto p-4" aria-label="Alert evidence">
        {frame?.refused && (
          <p role="alert" className="mb-3 rounded border border-red-500/40 bg-red-500/10 px-3 py-2 text-sm text-red-300" data-testid="fraud.refused">
            Action on {frame.refused.alertId} was refused and rolled back: {frame.refused.reason}.
          </p>
        )}
        {record ? <AlertEvidence record={record} pending={frame?.pending.has(record.alert.alertId) ?? false} me={me} act={act} commentBox={commentBox} /> : <p className="text-muted">Select an alert to see its evidence.</p>}
        <details className="mt-6 text-sm text-muted">
          <summary className="cursor-pointer">Keyboard shortcuts</summary>
          <dl className="mt-2 grid grid-cols-[6rem_1fr] gap-1">
            {shortcuts.map(([key, what]) => (
              <div key={key} className="contents">
                <dt className="font-mono text-ink">{key}</dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </details>
      </section>
    </div>
  );
}

function QueueFilters({ frame, filter, onChange }: { frame: AlertFrame | null; filter: QueueFilter; onChange: (f: QueueFilter) => void }) {
  const now = useNow(1000);
  // Alerts come when rules fire; between them the gateway's heartbeat says the feed is alive.
  const fresh = freshness(frame?.loaded ? heartbeatStore().receivedAt() : 0, null, now, staleAfterMs.alerts);
  const counts = frame ? countByStatus(frame.records) : null;
  const countOf = (statuses: readonly TriageStatus[]) =>
    counts ? (statuses.length === 0 ? triageStatuses : statuses).reduce((sum, s) => sum + counts[s], 0) : null;
  return (
    <div className="space-y-2 border-b border-edge p-3">
      <div role="tablist" aria-label="Triage status" className="flex flex-wrap gap-1 text-sm">
        {views.map((v) => {
          const active = v.statuses.join() === filter.statuses.join();
          return (
            <button
              key={v.label}
              role="tab"
              aria-selected={active}
              className={`rounded px-2 py-1 ${active ? 'bg-edge text-ink' : 'text-muted hover:text-ink'}`}
              onClick={() => onChange({ ...filter, statuses: v.statuses })}
              data-testid={`fraud.view.${v.label.toLowerCase()}`}
            >
              {v.label} <span className="tabular-nums text-muted">{countOf(v.statuses) ?? '…'}</span>
            </button>
          );
        })}
      </div>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-1 text-muted">
          Rule
          <select className="rounded border border-edge bg-surface px-1 py-0.5 text-ink" value={filter.rule} onChange={(e) => onChange({ ...filter, rule: e.target.value as QueueFilter['rule'] })} data-testid="fraud.filter.rule">
            <option value="all">all rules</option>
            {fraudRules.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1 text-muted">
          Score ≥
          <select className="rounded border border-edge bg-surface px-1 py-0.5 text-ink" value={filter.minScore} onChange={(e) => onChange({ ...filter, minScore: Number(e.target.value) })} data-testid="fraud.filter.score">
            {[0, 0.5, 0.7, 0.9].map((s) => (
              <option key={s} value={s}>
                {s.toFixed(1)}
              </option>
            ))}
          </select>
        </label>
        <span className="ml-auto">
          <FreshnessBadge freshness={fresh} testId="fraud.freshness" />
        </span>
      </div>
    </div>
  );
}

function QueueList({ frame, queue, selectedId, onSelect }: { frame: AlertFrame | null; queue: AlertRecord[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const now = Date.now();
  const list = useRef<HTMLUListElement>(null);
  // Focus follows the selection while it is in the list (j/k, the arrows): a keyboard or screen
  // reader user is where the selected alert is, not on the one they left.
  useEffect(() => {
    const ul = list.current;
    if (ul && ul.contains(document.activeElement)) ul.querySelector<HTMLElement>('[aria-selected="true"]')?.focus();
  }, [selectedId]);
  if (!frame || !frame.loaded) {
    return (
      <ul className="space-y-2 p-3" aria-busy="true" data-testid="fraud.loading">
        {[0, 1, 2, 3].map((i) => (
          <li key={i} className="h-12 animate-pulse rounded bg-edge/60" />
        ))}
      </ul>
    );
  }
  if (queue.length === 0) return <p className="p-4 text-sm text-muted" data-testid="fraud.empty">No alerts match. New ones appear here the moment a rule fires.</p>;
  return (
    <ul ref={list} role="listbox" aria-label="Alerts" className="min-h-0 flex-1 overflow-y-auto" data-testid="fraud.queue">
      {queue.map((r) => {
        const active = r.alert.alertId === selectedId;
        return (
          <li
            key={r.alert.alertId}
            role="option"
            aria-selected={active}
            tabIndex={active ? 0 : -1}
            onClick={() => onSelect(r.alert.alertId)}
            className={`cursor-pointer border-b border-edge px-3 py-2 text-sm ${active ? 'bg-edge' : 'hover:bg-edge/50'}`}
            data-testid={`fraud.alert.${r.alert.alertId}`}
          >
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium">{r.alert.rule}</span>
              <span className={`rounded px-1.5 text-xs ${statusBadge[r.triage.status]}`} data-testid="fraud.status">
                {r.triage.status}
              </span>
            </div>
            <div className="flex justify-between text-xs text-muted">
              <span className="font-mono">
                {cardLabel(r.alert.bin, r.alert.last4)}
              </span>
              <span className="tabular-nums">score {r.alert.score.toFixed(2)}</span>
              <span>{formatAge(Math.max(0, now - r.alert.detectedAt))} ago</span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function AlertEvidence({ record, pending, me, act, commentBox }: { record: AlertRecord; pending: boolean; me: string; act: Act; commentBox: React.RefObject<HTMLTextAreaElement | null> }) {
  const { alert, triage } = record;
  const [assignee, setAssignee] = useState('');
  const [comment, setComment] = useState('');
  const id = alert.alertId;
  const closed = triage.status === 'resolved';
  const button = 'rounded border border-edge px-3 py-1 text-sm hover:bg-edge disabled:opacity-40';
  return (
    <article data-testid="fraud.detail" aria-busy={pending}>
      <header className="mb-3 flex items-center gap-3">
        <h2 className="text-lg font-semibold">{alert.rule}</h2>
        <span className={`rounded px-2 text-sm ${statusBadge[triage.status]}`} data-testid="fraud.detail.status">
          {triage.status}
          {pending ? ' …' : ''}
        </span>
        {triage.assignee && <span className="text-sm text-muted">assigned to {triage.assignee}</span>}
        {triage.resolution && <span className="text-sm text-muted">resolution: {triage.resolution}</span>}
      </header>
      <div className="flex gap-6">
        <dl className="grid flex-1 grid-cols-[9rem_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-muted">Alert</dt>
          <dd className="font-mono">{id}</dd>
          <dt className="text-muted">Score</dt>
          <dd className="tabular-nums">{alert.score.toFixed(2)}</dd>
          <dt className="text-muted">Card</dt>
          <dd className="font-mono" data-testid="fraud.detail.card">
            {cardLabel(alert.bin, alert.last4)}
          </dd>
          <dt className="text-muted">Card token</dt>
          <dd className="font-mono">{alert.cardToken ?? 'hidden'}</dd>
          <dt className="text-muted">Last payment</dt>
          <dd>{new Date(alert.eventTime).toISOString().replace('T', ' ').slice(0, 19)} UTC</dd>
          <dt className="text-muted">Detected</dt>
          <dd>{((alert.detectedAt - alert.eventTime) / 1000).toFixed(1)} s after it</dd>
          <dt className="text-muted">Payments ({alert.paymentIds.length})</dt>
          <dd>
            <ul className="max-h-32 overflow-y-auto font-mono text-xs">
              {alert.paymentIds.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </dd>
        </dl>
        <AlertMiniMap lat={alert.lat} lon={alert.lon} />
      </div>

      <div className="mt-4 flex flex-wrap items-center gap-2">
        <button className={button} disabled={triage.status !== 'new'} onClick={() => act({ type: 'acknowledge', alertId: id })} data-testid="fraud.action.acknowledge">
          Acknowledge <kbd className="text-muted">a</kbd>
        </button>
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            act({ type: 'assign', alertId: id, assignee: assignee.trim() || me || 'anonymous' });
            setAssignee('');
          }}
        >
          <input aria-label="Assignee" className="w-32 rounded border border-edge bg-surface px-2 py-1 text-sm" placeholder={me || 'assignee'} value={assignee} onChange={(e) => setAssignee(e.target.value)} disabled={closed} />
          <button type="submit" className={button} disabled={closed} data-testid="fraud.action.assign">
            Assign <kbd className="text-muted">m</kbd>
          </button>
        </form>
        <button className={button} disabled={closed} onClick={() => act({ type: 'resolve', alertId: id, resolution: 'fraud' })} data-testid="fraud.action.resolve-fraud">
          Fraud <kbd className="text-muted">f</kbd>
        </button>
        <button className={button} disabled={closed} onClick={() => act({ type: 'resolve', alertId: id, resolution: 'legitimate' })} data-testid="fraud.action.resolve-legitimate">
          Legitimate <kbd className="text-muted">l</kbd>
        </button>
        <button className={button} disabled={closed} onClick={() => act({ type: 'resolve', alertId: id, resolution: 'duplicate' })}>
          Duplicate
        </button>
      </div>

      <section className="mt-5" aria-label="Comments">
        <h3 className="mb-1 text-sm font-medium">Comments</h3>
        <ul className="mb-2 space-y-1 text-sm" data-testid="fraud.comments">
          {triage.comments.map((c) => (
            <li key={`${c.at}-${c.by}`}>
              <span className="text-muted">{c.by}:</span> {c.text}
            </li>
          ))}
        </ul>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!comment.trim()) return;
            act({ type: 'comment', alertId: id, text: comment.trim() });
            setComment('');
          }}
          className="flex gap-2"
        >
          <textarea ref={commentBox} aria-label="Comment" rows={2} maxLength={2000} className="flex-1 rounded border border-edge bg-surface px-2 py-1 text-sm" value={comment} onChange={(e) => setComment(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()} />
          <button type="submit" className={button}>
            Comment
          </button>
        </form>
      </section>
    </article>
  );
}
