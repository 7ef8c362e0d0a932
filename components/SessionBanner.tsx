'use client';

import { useAccessProblem } from './live/use-latest';

/**
 * Says loudly why live data stopped when the gateway ended or refused the connection on purpose
 * (session expired, token revoked or expired, not allowed): an unattended wall must not look
 * merely frozen.
 */
export function SessionBanner({ large = false }: { large?: boolean }) {
  const problem = useAccessProblem();
  if (!problem) return null;
  return (
    <div role="alert" className={`flex items-center justify-between gap-4 bg-red-700 px-4 py-2 font-semibold text-white ${large ? 'text-2xl' : 'text-sm'}`} data-testid="session.problem" data-kind={problem.kind}>
      <span data-testid="session.problem.message">
        {problem.kind === 'ended' ? 'Disconnected: ' : 'Not connected: '}
        {problem.message}
      </span>
      {problem.signIn && (
        <a className="rounded bg-white/20 px-3 py-1 hover:bg-white/30" href={`/login?next=${encodeURIComponent(window.location.pathname)}`}>
          Sign in
        </a>
      )}
    </div>
  );
}
