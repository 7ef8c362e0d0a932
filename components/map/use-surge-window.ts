'use client';

import { useEffect, useState } from 'react';
import type { SurgeCell } from '../../lib/schemas/surge-cell';
import { liveSocket } from '../live/socket-connection';
import { useAnalytics } from '../live/use-latest';

/**
 * The surge cells to draw: the live window, or one the user stepped back to (asked of the
 * gateway, which keeps the recent windows). `end` null is live.
 */
export function useSurgeWindow(): { cells: readonly SurgeCell[] | null; windowEnds: readonly number[]; end: number | null; setEnd: (end: number | null) => void } {
  const [end, setEnd] = useState<number | null>(null);
  const [pastCells, setPastCells] = useState<SurgeCell[] | null>(null);
  const analytics = useAnalytics();
  useEffect(() => {
    if (end === null) return setPastCells(null);
    let current = true;
    void liveSocket()
      .timeout(5000)
      .emitWithAck('surge:window', end)
      .then((cells) => current && setPastCells(cells ?? []), () => current && setPastCells([]));
    return () => {
      current = false;
    };
  }, [end]);
  return { cells: end === null ? (analytics?.surge.cells ?? null) : pastCells, windowEnds: analytics?.surge.windowEnds ?? [], end, setEnd };
}
