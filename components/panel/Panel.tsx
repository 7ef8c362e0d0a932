'use client';

import type { ReactNode } from 'react';
import { formatAge } from '../../lib/format-age';
import type { Stream } from '../../lib/access';
import type { Freshness } from '../../lib/freshness';
import { useSession } from '../live/use-latest';
import { PanelBoundary } from './PanelFailure';

/**
 * A live panel: title, how fresh its data is, and a loud STALE state when the data stopped
 * moving, so that a screen nobody is watching closely never passes old data off as live.
 */
export function Panel({ title, freshness, testId, children, className = '', wall = false, stream }: { title: string; freshness: Freshness; testId: string; children: ReactNode; className?: string; wall?: boolean; stream?: Stream }) {
  const session = useSession();
  // The gateway sends nothing the role may not see; say so rather than wait for data forever.
  if (stream && session && !session.streams.includes(stream)) {
    return (
      <section aria-label={title} data-testid={testId} data-freshness="not-permitted" className={`flex min-h-0 flex-col rounded-lg border border-edge bg-panel ${className}`}>
        <header className={`border-b border-edge px-3 py-1.5 ${wall ? 'text-xl' : 'text-sm'}`}>
          <h2 className="font-semibold">{title}</h2>
        </header>
        <p className="p-3 text-sm text-muted" data-testid={`${testId}.not-permitted`}>
          Not available to the {session.role} role.
        </p>
      </section>
    );
  }
  const stale = freshness.state === 'stale';
  return (
    <section
      aria-label={title}
      data-testid={testId}
      data-freshness={freshness.state}
      className={`relative flex min-h-0 flex-col rounded-lg border bg-panel ${stale ? 'border-red-500 ring-2 ring-red-500/60' : 'border-edge'} ${className}`}
    >
      <header className={`flex items-center justify-between border-b border-edge px-3 py-1.5 ${wall ? 'text-xl' : 'text-sm'}`}>
        <h2 className="font-semibold">{title}</h2>
        <FreshnessBadge freshness={freshness} testId={`${testId}.freshness`} />
      </header>
      {/* Stale content goes grey rather than faint: dimmed text fell below WCAG's 4.5:1. */}
      <div className={`relative min-h-0 flex-1 ${stale ? 'grayscale' : ''}`}>
        <PanelBoundary panel={title}>{children}</PanelBoundary>
      </div>
    </section>
  );
}

export function FreshnessBadge({ freshness, testId }: { freshness: Freshness; testId: string }) {
  if (freshness.state === 'waiting') {
    return (
      <span className="text-muted" data-testid={testId}>
        waiting for data…
      </span>
    );
  }
  if (freshness.state === 'stale') {
    return (
      <span role="status" className="rounded bg-red-700 px-2 font-bold tracking-wide text-white ring-2 ring-red-400" data-testid={testId}>
        STALE · {formatAge(freshness.ageMs)}
      </span>
    );
  }
  return (
    <span className="text-muted tabular-nums" data-testid={testId}>
      live · {formatAge(freshness.ageMs)}
    </span>
  );
}

/** Placeholder rows while a panel waits for its first data. */
export function Skeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="space-y-2 p-3" aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-6 animate-pulse rounded bg-edge/60" />
      ))}
    </div>
  );
}
