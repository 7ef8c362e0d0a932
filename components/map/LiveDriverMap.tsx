'use client';

import dynamic from 'next/dynamic';

/** WebGL has no server side: the map renders in the browser only, with a skeleton meanwhile. */
export const LiveDriverMap = dynamic(() => import('./DriverMap'), {
  ssr: false,
  loading: () => (
    <div data-testid="map.loading" className="absolute inset-0 flex items-center justify-center text-muted">
      Loading map…
    </div>
  ),
});
