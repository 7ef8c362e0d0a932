'use client';

import { useSession } from './live/use-latest';

/** Who is signed in, as the gateway knows it, and the way out. */
export function UserMenu() {
  const session = useSession();
  if (!session || session.kind !== 'user') return null;
  return (
    <form method="post" action="/auth/logout" className="flex items-center gap-2 text-sm">
      <span data-testid="user.name">{session.name}</span>
      <span className="rounded bg-edge px-1.5 text-xs text-muted" data-testid="user.role">
        {session.role}
      </span>
      <button type="submit" className="text-muted hover:text-ink" data-testid="user.signout">
        Sign out
      </button>
    </form>
  );
}
