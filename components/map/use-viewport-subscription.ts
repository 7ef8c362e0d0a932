'use client';

import { WebMercatorViewport, type MapViewState } from '@deck.gl/core';
import { useEffect, useRef, type RefObject } from 'react';
import { bengaluru } from '../../lib/city';
import { covers, padded } from '../../lib/viewport';
import { driverStore } from '../live/use-drivers';

/** After the view settles for this long, the gateway is told what the map shows. */
const SETTLE_MS = 250;

/**
 * Zoomed in, the gateway sends only the drivers in (a margin around) the visible area; showing
 * the whole city, the shared broadcast. Returns what to call with each new view state.
 */
export function useViewportSubscription(container: RefObject<HTMLDivElement | null>): (view: MapViewState) => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (view) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const el = container.current;
      // A map not laid out yet has no area to ask for.
      if (!el || el.clientWidth === 0 || el.clientHeight === 0) return;
      const [west, south, east, north] = new WebMercatorViewport({ ...view, width: el.clientWidth, height: el.clientHeight }).getBounds();
      const wanted = padded({ west, south, east, north }, 0.25);
      driverStore().setViewport(covers(wanted, bengaluru.bbox) ? null : wanted);
    }, SETTLE_MS);
  };
}
