import { WebMercatorViewport, type MapViewState } from '@deck.gl/core';
import type { DriverFrame } from '../live/driver-store';

declare global {
  interface Window {
    /**
     * What the map last drew, read by the e2e journeys and the frame benchmark: a canvas shows
     * them nothing else. It holds what the page already shows (positions of drivers drawn) and
     * changes nothing.
     */
    __streamwatch?: {
      renderedDrivers: number;
      surgeCells: number;
      frameVersion: number;
      renders: number;
      positionOf(driverId: string): [number, number] | null;
      /** Where a driver is drawn now, in CSS pixels from the map's top left; null if not drawn. */
      screenOf(driverId: string): [number, number] | null;
    };
  }
}

/** What one deck.gl render drew. */
export interface DrawnMap {
  readonly frame: DriverFrame;
  readonly surgeCells: number;
  /** The view drawn, and the element it fills. */
  readonly view: MapViewState;
  readonly element: HTMLElement | null;
  /** Where the drivers are drawn now (they glide between frames). */
  readonly positionsNow: () => Float32Array;
}

/** Publishes what the map drew after each render. */
export function recordDrawn(d: DrawnMap): void {
  const probe = (window.__streamwatch ??= { renderedDrivers: 0, surgeCells: 0, frameVersion: 0, renders: 0, positionOf: () => null, screenOf: () => null });
  const { frame, view, element } = d;
  probe.renders++;
  probe.renderedDrivers = frame.count;
  probe.surgeCells = d.surgeCells;
  probe.frameVersion = frame.version;
  probe.positionOf = (id) => {
    const i = frame.ids.indexOf(id);
    return i >= 0 ? [frame.positions[i * 2]!, frame.positions[i * 2 + 1]!] : null;
  };
  probe.screenOf = (id) => {
    const i = frame.ids.indexOf(id);
    const at = d.positionsNow();
    if (!element || i < 0) return null;
    const [x, y] = new WebMercatorViewport({ ...view, width: element.clientWidth, height: element.clientHeight }).project([at[i * 2]!, at[i * 2 + 1]!]);
    return [x!, y!];
  };
}
