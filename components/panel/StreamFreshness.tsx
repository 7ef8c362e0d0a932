'use client';

import { freshness, staleAfterMs, type PanelKey } from '../../lib/freshness';
import type { LatestValueStore } from '../live/latest-value-store';
import { useNow } from '../live/use-latest';
import { FreshnessBadge } from './Panel';

/** How fresh one stream is, for pages that are not built from panels. */
export function StreamFreshness({ store, panel, testId }: { store: () => LatestValueStore<unknown>; panel: PanelKey; testId: string }) {
  const now = useNow(1000);
  const at = typeof window === 'undefined' ? 0 : store().receivedAt();
  return <FreshnessBadge freshness={freshness(at, null, now, staleAfterMs[panel])} testId={testId} />;
}
