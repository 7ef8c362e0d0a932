'use client';

import dynamic from 'next/dynamic';

/** Embedded panels are live data only: rendered in the browser, where the socket is. */
export const LiveEmbed = dynamic(() => import('./EmbeddedPanel').then((m) => m.EmbeddedPanel), {
  ssr: false,
  loading: () => <p className="p-3 text-sm text-muted">Connecting…</p>,
});
