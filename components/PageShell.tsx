import type { ReactNode } from 'react';
import { AppHeader } from './AppHeader';

/** A full-height dashboard page: the header, then the page filling the rest. */
export function PageShell({ children }: { children: ReactNode }) {
  return (
    <main className="flex h-screen flex-col">
      <AppHeader />
      {children}
    </main>
  );
}
