'use client';

import { MapView, WebMercatorViewport, type MapViewState, type PickingInfo } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import DeckGL from '@deck.gl/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { statusFromCode, type AlertRecord } from '../../lib/protocol';
import { bengaluru } from '../../lib/city';
import { covers, padded } from '../../lib/viewport';
import { useAlerts } from '../live/use-alerts';
import { driverStore, useDrivers } from '../live/use-drivers';
import { useAnalytics } from '../live/use-latest';
import type { DriverFrame } from '../live/driver-store';
import { cityCenter, cityLayers } from './city-layers';
import { alertLayer, alertMarkers } from './alert-layer';
import { surgeColor, surgeLayer, surgePolygons, type SurgePolygon } from './surge-layer';
import { colorsForStatuses } from './driver-colors';

const initialViewState = { ...cityCenter, zoom: 11, pitch: 0, bearing: 0 };
const staticLayers = cityLayers();

declare global {
  interface Window {
    /** Test hook: what the map last drew. Read by the e2e journeys and benchmarks. */
    __streamwatch?: {
      renderedDrivers: number;
      surgeCells: number;
      frameVersion: number;
      renders: number;
      positionOf(driverId: string): [number, number] | null;
    };
  }
}

export default function DriverMap() {
  const frame = useDrivers();
  const drawn = useRef<DriverFrame | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const viewportTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Zoomed in, the gateway sends only the drivers in (a margin around) the visible area;
  // showing the whole city, the shared broadcast.
  const onViewStateChange = ({ viewState }: { viewState: MapViewState }): void => {
    clearTimeout(viewportTimer.current);
    viewportTimer.current = setTimeout(() => {
      const el = container.current;
      if (!el) return;
      const [west, south, east, north] = new WebMercatorViewport({ ...viewState, width: el.clientWidth, height: el.clientHeight }).getBounds();
      const wanted = padded({ west, south, east, north }, 0.25);
      driverStore().setViewport(covers(wanted, bengaluru.bbox) ? null : wanted);
    }, 250);
  };
  const [shown, setShown] = useState({ drivers: true, surge: true, alerts: true });
  const alertFrame = useAlerts();
  const alertRecords = alertFrame?.records;
  const alerts = useMemo(() => alertLayer(alertMarkers(alertRecords ?? [])), [alertRecords]);
  const analytics = useAnalytics();
  const surgeCells = analytics?.surge.cells;
  const surge = useMemo(() => surgeLayer(surgePolygons(surgeCells ?? [])), [surgeCells]);
  const colors = useMemo(() => colorsForStatuses(frame?.statuses ?? new Uint8Array(0)), [frame?.statuses]);

  const drivers = useMemo(
    () =>
      new ScatterplotLayer({
        id: 'drivers',
        data: {
          length: frame?.count ?? 0,
          attributes: {
            getPosition: { value: frame?.positions ?? new Float32Array(0), size: 2 },
            getFillColor: { value: colors, size: 4, normalized: true },
          },
        },
        getRadius: 3,
        radiusUnits: 'pixels',
        radiusMinPixels: 2,
        pickable: true,
      }),
    [frame?.count, frame?.positions, colors],
  );

  useEffect(() => {
    window.__streamwatch ??= { renderedDrivers: 0, surgeCells: 0, frameVersion: 0, renders: 0, positionOf: () => null };
  }, []);

  const onAfterRender = (): void => {
    const hook = window.__streamwatch;
    const f = frame;
    if (!hook || !f) return;
    drawn.current = f;
    hook.renders++;
    hook.renderedDrivers = f.count;
    hook.surgeCells = (surge.props.data as SurgePolygon[]).length;
    hook.frameVersion = f.version;
    hook.positionOf = (id) => {
      const d = drawn.current;
      const i = d ? d.ids.indexOf(id) : -1;
      return d && i >= 0 ? [d.positions[i * 2]!, d.positions[i * 2 + 1]!] : null;
    };
  };

  const getTooltip = (info: PickingInfo) => {
    if (info.layer?.id === 'alerts' && info.object) {
      const { alert, triage } = info.object as AlertRecord;
      return { text: `${alert.rule} · score ${alert.score.toFixed(2)}\ncard ${alert.bin}••${alert.last4} · ${triage.status}` };
    }
    if (info.layer?.id === 'surge' && info.object) {
      const { cell } = info.object as SurgePolygon;
      return { text: `surge ${cell.multiplier.toFixed(1)}x\ndemand ${cell.demand} · idle drivers ${cell.supply}` };
    }
    if (info.layer?.id !== 'drivers' || info.index < 0 || !frame) return null;
    const status = statusFromCode(frame.statuses[info.index] ?? 3);
    return { text: `${frame.ids[info.index]}\n${status.replace('_', ' ')}` };
  };

  return (
    <div
      ref={container}
      data-testid="map.drivers"
      data-rendered-drivers={frame?.count ?? 0}
      data-surge-cells={(surge.props.data as SurgePolygon[]).length}
      className="absolute inset-0"
    >
      <DeckGL
        views={new MapView({ repeat: false })}
        initialViewState={initialViewState}
        controller
        layers={[...staticLayers, shown.surge && surge, shown.drivers && drivers, shown.alerts && alerts]}
        onAfterRender={onAfterRender}
        onViewStateChange={onViewStateChange}
        getTooltip={getTooltip}
      />
      <Legend />
      <LayerToggles shown={shown} onChange={setShown} />
    </div>
  );
}

function Legend() {
  const items = [
    ['idle', 'bg-idle'],
    ['en route', 'bg-en-route'],
    ['on trip', 'bg-on-trip'],
    ['offline', 'bg-offline'],
  ] as const;
  return (
    <div className="absolute bottom-3 left-3 flex flex-wrap items-center gap-4 rounded bg-panel/90 px-3 py-2 text-xs text-muted">
      <ul className="flex gap-3" aria-label="Driver status colours">
        {items.map(([label, swatch]) => (
          <li key={label} className="flex items-center gap-1.5">
            <span className={`inline-block h-2.5 w-2.5 rounded-full ${swatch}`} aria-hidden />
            {label}
          </li>
        ))}
      </ul>
      <SurgeScale />
      <span className="flex items-center gap-1.5">
        <span className="inline-block h-2.5 w-2.5 rounded-full border-2 border-red-400 bg-red-500/40" aria-hidden />
        open fraud alert
      </span>
    </div>
  );
}

type Shown = { drivers: boolean; surge: boolean; alerts: boolean };

function LayerToggles({ shown, onChange }: { shown: Shown; onChange: (s: Shown) => void }) {
  return (
    <fieldset className="absolute right-3 top-3 flex gap-3 rounded bg-panel/90 px-3 py-1.5 text-xs" data-testid="map.layers">
      <legend className="sr-only">Map layers</legend>
      {(Object.keys(shown) as (keyof Shown)[]).map((layer) => (
        <label key={layer} className="flex cursor-pointer items-center gap-1">
          <input type="checkbox" checked={shown[layer]} onChange={(e) => onChange({ ...shown, [layer]: e.target.checked })} data-testid={`map.layer.${layer}`} />
          {layer}
        </label>
      ))}
    </fieldset>
  );
}

/** The surge scale the hexagons are drawn in. */
function SurgeScale() {
  const stops = [1.1, 1.5, 2, 2.5, 3].map((m) => `rgba(${surgeColor(m).slice(0, 3).join(',')},${(surgeColor(m)[3] / 255).toFixed(2)}) ${((m - 1.1) / 1.9) * 100}%`);
  return (
    <div className="flex items-center gap-1.5" aria-label="Surge multiplier scale, 1.1x to 3.0x">
      <span>surge 1.1x</span>
      <span className="inline-block h-2.5 w-24 rounded-sm" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} aria-hidden />
      <span>3.0x</span>
    </div>
  );
}
