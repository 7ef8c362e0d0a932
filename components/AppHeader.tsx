'use client';

import Link from 'next/link';
import type { Stream } from '../lib/access';
import { useSession } from './live/use-latest';
import { SessionBanner } from './SessionBanner';
import { StatusBar } from './StatusBar';
import { UserMenu } from './UserMenu';

/** Pages and the streams each is about: a page whose streams the role may not see is not offered. */
const pages: readonly (readonly [string, string, readonly Stream[] | null])[] = [
  ['/', 'Overview', null],
  ['/fraud', 'Fraud', ['alerts']],
  ['/lag', 'Lag', ['lag']],
  ['/pipeline', 'Pipeline', ['pipeline', 'quarantine']],
  ['/wall', 'Wall', null],
  ['/admin', 'Admin', ['audit']],
];

export function AppHeader() {
  const session = useSession();
  const shown = pages.filter(([, , about]) => about === null || (session ? about.some((s) => session.streams.includes(s)) : !about.includes('audit')));
  return (
    <>
      <header className="flex items-center justify-between border-b border-edge bg-panel px-4 py-2">
        <div className="flex items-center gap-6">
          <h1 className="text-lg font-semibold tracking-tight">Streamwatch</h1>
          <nav aria-label="Pages" className="flex gap-4 text-sm">
            {shown.map(([href, label]) => (
              <Link key={href} href={href} className="text-muted hover:text-ink">
                {label}
              </Link>
            ))}
          </nav>
        </div>
        <div className="flex items-center gap-6">
          <StatusBar />
          <UserMenu />
        </div>
      </header>
      <SessionBanner />
    </>
  );
}
