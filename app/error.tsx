'use client';

import { useEffect } from 'react';
import { FailureNotice } from '../components/FailureNotice';

/**
 * A page whose own code failed (the triage list, the lag table, the admin view): say so and
 * offer to try again, rather than a blank page. Live panels have boundaries of their own.
 */
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => console.error('page failed', error), [error]);
  return (
    <main className="mx-auto max-w-xl p-8">
      <FailureNotice title="This page failed." error={error} onRetry={retry} testId="page.failed" />
    </main>
  );
}
