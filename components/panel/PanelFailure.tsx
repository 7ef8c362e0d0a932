'use client';

import { catchError, type ErrorInfo } from 'next/error';

/**
 * What a panel shows when its own code fails (a WebGL context refused, a frame the store could
 * not apply): its own failure and a way to try again, while every other panel keeps running.
 * A blank page on an unattended wall would look like a quiet city.
 */
function PanelFailure({ panel }: { panel: string }, { error, reset }: ErrorInfo) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`panel "${panel}" failed`, error);
  return (
    <div role="alert" className="flex h-full flex-col items-start gap-2 p-3 text-sm" data-testid="panel.failed">
      <p className="font-semibold text-red-300">This panel failed.</p>
      <p className="font-mono text-xs text-muted">{message.slice(0, 300)}</p>
      <button type="button" onClick={reset} className="rounded border border-edge px-2 py-1 hover:bg-edge/40">
        Try again
      </button>
    </div>
  );
}

/** Wraps one panel's content: a failure inside it stays inside it. */
export const PanelBoundary = catchError(PanelFailure);
