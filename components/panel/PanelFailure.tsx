'use client';

import { catchError, type ErrorInfo } from 'next/error';
import { FailureNotice } from '../FailureNotice';

/**
 * What a panel shows when its own code fails (a WebGL context refused, a frame the store could
 * not apply): its own failure and a way to try again, while every other panel keeps running.
 * A blank page on an unattended wall would look like a quiet city.
 */
function PanelFailure({ panel }: { panel: string }, { error, reset }: ErrorInfo) {
  console.error(`panel "${panel}" failed`, error);
  return <FailureNotice title="This panel failed." error={error} onRetry={reset} testId="panel.failed" className="h-full p-3 text-sm" />;
}

/** Wraps one panel's content: a failure inside it stays inside it. */
export const PanelBoundary = catchError(PanelFailure);
