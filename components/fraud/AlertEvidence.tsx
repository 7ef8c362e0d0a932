'use client';

import { useState } from 'react';
import { cardLabel } from '../../lib/card';
import type { AlertRecord } from '../../lib/protocol';
import { AlertMiniMap } from './AlertMiniMap';
import { statusBadge, type Act } from './triage-style';

/**
 * One alert's evidence and its triage actions. Its drafts (assignee, comment) belong to the
 * alert: the page keys it by alert id, so that a half-typed comment never follows the selection.
 */
export function AlertEvidence({ record, pending, me, act, commentBox }: { record: AlertRecord; pending: boolean; me: string; act: Act; commentBox: React.RefObject<HTMLTextAreaElement | null> }) {
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
