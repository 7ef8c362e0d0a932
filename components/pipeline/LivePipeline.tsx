'use client';

import dynamic from 'next/dynamic';

/** All live data: rendered in the browser only, where the socket is. */
export const LivePipeline = dynamic(() => import('./PipelineView').then((m) => m.PipelineView), {
  ssr: false,
  loading: () => <p className="p-6 text-muted">Connecting…</p>,
});
