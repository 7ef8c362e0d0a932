'use client';

import { useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { nextSelection, openAlerts, triageQueue, type QueueFilter } from '../../lib/alert-queue';
import type { AlertActionRequest } from '../../lib/schemas/alert-action';
import { alertStore, useAlerts } from '../live/use-alerts';
import { useSession } from '../live/use-latest';
import { AlertEvidence } from './AlertEvidence';
import { QueueFilters } from './QueueFilters';
import { QueueList } from './QueueList';
import type { Act } from './triage-style';

const shortcuts = [
  ['j / ↓', 'next alert'],
  ['k / ↑', 'previous alert'],
  ['a', 'acknowledge'],
  ['m', 'assign to me'],
  ['f', 'resolve as fraud'],
  ['l', 'resolve as legitimate'],
  ['c', 'write a comment'],
] as const;

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
        {record ? <AlertEvidence key={record.alert.alertId} record={record} pending={frame?.pending.has(record.alert.alertId) ?? false} me={me} act={act} commentBox={commentBox} /> : <p className="text-muted">Select an alert to see its evidence.</p>}
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
