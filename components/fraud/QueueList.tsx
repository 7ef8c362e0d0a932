'use client';

import { useEffect, useRef } from 'react';
import { cardLabel } from '../../lib/card';
import { formatAge } from '../../lib/format-age';
import type { AlertRecord } from '../../lib/protocol';
import type { AlertFrame } from '../live/alert-store';
import { useNow } from '../live/use-latest';
import { statusBadge } from './triage-style';

/** The queue: one row per alert matching the filter, the selected one focused. */
export function QueueList({ frame, queue, selectedId, onSelect }: { frame: AlertFrame | null; queue: AlertRecord[]; selectedId: string | null; onSelect: (id: string) => void }) {
  // Ages move on between alerts too.
  const now = useNow(5_000);
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
