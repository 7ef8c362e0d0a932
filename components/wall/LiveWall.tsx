'use client';

import dynamic from 'next/dynamic';

/** The wall is all live data: rendered in the browser only, where its socket is. */
export const LiveWall = dynamic(() => import('./Wall').then((m) => m.Wall), {
  ssr: false,
  loading: () => <p className="p-6 text-2xl text-muted">Connecting the wall…</p>,
});
