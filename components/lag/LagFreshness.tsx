'use client';

import { lagStore } from '../live/use-latest';
import { StreamFreshness } from '../panel/StreamFreshness';

export function LagFreshness() {
  return <StreamFreshness store={lagStore} panel="lag" testId="lag.freshness" />;
}
