'use client';

import { useEffect } from 'react';

/**
 * A page whose own code failed (the triage list, the lag table, the admin view): say so and
 * offer to try again, rather than a blank page. Live panels have boundaries of their own.
 */
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => console.error('page failed', error), [error]);
  const message = error instanceof Error ? error.message : String(error);
  return (
    <main role="alert" className="mx-auto max-w-xl p-8" data-testid="page.failed">
      <h1 className="mb-2 text-lg font-semibold text-red-300">This page failed.</h1>
      <p className="mb-4 font-mono text-xs text-muted">{message.slice(0, 300)}</p>
      <button type="button" onClick={retry} className="rounded border border-edge px-3 py-1 hover:bg-edge/40">
        Try again
      </button>
    </main>
  );
}
