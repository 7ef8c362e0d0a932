'use client';

import { MapView, WebMercatorViewport, type Layer, type MapViewState, type PickingInfo } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import DeckGL, { type DeckGLRef } from '@deck.gl/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { cardLabel } from '../../lib/card';
import { statusFromCode, type AlertRecord } from '../../lib/protocol';
import { bengaluru } from '../../lib/city';
import { PositionTween } from '../../lib/position-tween';
import type { SurgeCell } from '../../lib/schemas/surge-cell';
import { covers, padded } from '../../lib/viewport';
import { useAlerts } from '../live/use-alerts';
import { driverStore, useDrivers } from '../live/use-drivers';
import { useAnalytics } from '../live/use-latest';
import { liveSocket } from '../live/socket-connection';
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
      /** Where a driver is drawn now, in CSS pixels from the map's top left; null if not drawn. */
      screenOf(driverId: string): [number, number] | null;
    };
  }
}

/** About one ping interval: a driver glides to each new position as the next one arrives. */
const GLIDE_MS = 1000;

export default function DriverMap() {
  const frame = useDrivers();
  const drawn = useRef<DriverFrame | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const viewportTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [viewState, setViewState] = useState<MapViewState>(initialViewState);
  const [selected, setSelected] = useState<string | null>(null);
  const [following, setFollowing] = useState(false);
  const [shown, setShown] = useState({ drivers: true, surge: true, alerts: true });
  const [scrubEnd, setScrubEnd] = useState<number | null>(null);
  const [scrubCells, setScrubCells] = useState<SurgeCell[] | null>(null);

  // Positions glide between updates: the tween is retargeted once per new frame, and an
  // animation loop hands deck.gl the glided layers while anything still moves. The loop does
  // not re-render React (the app's frame time was 1.25-1.44x bare deck.gl's when it did); it
  // does only while the view follows a driver, since the view state is React's.
  const deck = useRef<DeckGLRef>(null);
  const tween = useRef(new PositionTween(GLIDE_MS));
  const retargeted = useRef(-1);
  const glided = useRef<Float32Array>(new Float32Array(0));
  const [, setClock] = useState(0);
  // deck.gl reports a device it could not create (no WebGL) or a layer that broke through a
  // callback, outside React's render: rethrown here, the panel's boundary shows the failure
  // instead of an empty map that looks like no drivers.
  const [deckFailure, setDeckFailure] = useState<Error | null>(null);
  if (deckFailure) throw deckFailure;
  if (frame && retargeted.current !== frame.version) {
    tween.current.retarget(frame.ids, frame.positions, performance.now());
    retargeted.current = frame.version;
  }
  if (!following) glided.current = tween.current.at(performance.now());

  const selectedIndex = selected && frame ? frame.ids.indexOf(selected) : -1;
  const glidedAt = (positions: Float32Array): [number, number] | null => (selectedIndex >= 0 ? [positions[selectedIndex * 2]!, positions[selectedIndex * 2 + 1]!] : null);
  const selectedAt = glidedAt(glided.current);
  const shownView = following && selectedAt ? { ...viewState, longitude: selectedAt[0], latitude: selectedAt[1] } : viewState;

  // Zoomed in, the gateway sends only the drivers in (a margin around) the visible area;
  // showing the whole city, the shared broadcast.
  const onViewStateChange = ({ viewState: next, interactionState }: { viewState: MapViewState; interactionState?: { isDragging?: boolean } }): void => {
    if (interactionState?.isDragging) setFollowing(false);
    setViewState(next);
    clearTimeout(viewportTimer.current);
    viewportTimer.current = setTimeout(() => {
      const el = container.current;
      // A map not laid out yet has no area to ask for.
      if (!el || el.clientWidth === 0 || el.clientHeight === 0) return;
      const [west, south, east, north] = new WebMercatorViewport({ ...next, width: el.clientWidth, height: el.clientHeight }).getBounds();
      const wanted = padded({ west, south, east, north }, 0.25);
      driverStore().setViewport(covers(wanted, bengaluru.bbox) ? null : wanted);
    }, 250);
  };

  const alertFrame = useAlerts();
  const alertRecords = alertFrame?.records;
  const alerts = useMemo(() => alertLayer(alertMarkers(alertRecords ?? [])), [alertRecords]);
  const analytics = useAnalytics();
  const windowEnds = analytics?.surge.windowEnds ?? [];
  useEffect(() => {
    if (scrubEnd === null) return setScrubCells(null);
    let current = true;
    void liveSocket()
      .timeout(5000)
      .emitWithAck('surge:window', scrubEnd)
      .then((cells) => current && setScrubCells(cells ?? []), () => current && setScrubCells([]));
    return () => {
      current = false;
    };
  }, [scrubEnd]);
  const surgeCells = scrubEnd === null ? analytics?.surge.cells : scrubCells;
  const surge = useMemo(() => surgeLayer(surgePolygons(surgeCells ?? [])), [surgeCells]);
  const colors = useMemo(() => colorsForStatuses(frame?.statuses ?? new Uint8Array(0)), [frame?.statuses]);

  // Everything drawn, for given glided positions: what React renders and what the loop sets.
  const layersAt = (positions: Float32Array): (Layer | false)[] => {
    const at = glidedAt(positions);
    const drivers = new ScatterplotLayer({
      id: 'drivers',
      data: {
        length: frame?.count ?? 0,
        attributes: {
          getPosition: { value: positions, size: 2 },
          getFillColor: { value: colors, size: 4, normalized: true },
        },
      },
      getRadius: 3,
      radiusUnits: 'pixels',
      radiusMinPixels: 2,
      pickable: true,
    });
    const highlight = new ScatterplotLayer<[number, number]>({
      id: 'selected-driver',
      data: at ? [at] : [],
      getPosition: (d) => d,
      getRadius: 10,
      radiusUnits: 'pixels',
      stroked: true,
      filled: false,
      getLineColor: [255, 255, 255, 230],
      lineWidthMinPixels: 2,
    });
    return [...staticLayers, shown.surge && surge, shown.drivers && drivers, shown.alerts && alerts, highlight];
  };
  const layersNow = useRef(layersAt);
  layersNow.current = layersAt;
  const followingNow = useRef(following);
  followingNow.current = following;

  useEffect(() => {
    let raf = 0;
    const step = () => {
      const now = performance.now();
      glided.current = tween.current.at(now);
      if (followingNow.current) setClock(now);
      else deck.current?.deck?.setProps({ layers: layersNow.current(glided.current) });
      if (tween.current.moving(now)) raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [frame?.version]);

  useEffect(() => {
    window.__streamwatch ??= { renderedDrivers: 0, surgeCells: 0, frameVersion: 0, renders: 0, positionOf: () => null, screenOf: () => null };
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
    const el = container.current;
    const view = shownView;
    hook.screenOf = (id) => {
      const i = f.ids.indexOf(id);
      const drawnAt = glided.current;
      if (!el || i < 0) return null;
      const [x, y] = new WebMercatorViewport({ ...view, width: el.clientWidth, height: el.clientHeight }).project([drawnAt[i * 2]!, drawnAt[i * 2 + 1]!]);
      return [x!, y!];
    };
  };

  const getTooltip = (info: PickingInfo) => {
    if (info.layer?.id === 'alerts' && info.object) {
      const { alert, triage } = info.object as AlertRecord;
      return { text: `${alert.rule} · score ${alert.score.toFixed(2)}\n${cardLabel(alert.bin, alert.last4)} · ${triage.status}` };
    }
    if (info.layer?.id === 'surge' && info.object) {
      const { cell } = info.object as SurgePolygon;
      return { text: `surge ${cell.multiplier.toFixed(1)}x\ndemand ${cell.demand} · idle drivers ${cell.supply}` };
    }
    if (info.layer?.id !== 'drivers' || info.index < 0 || !frame) return null;
    const status = statusFromCode(frame.statuses[info.index] ?? 3);
    return { text: `${frame.ids[info.index]}\n${status.replace('_', ' ')} · click to inspect` };
  };

  const onClick = (info: PickingInfo): void => {
    if (info.layer?.id === 'drivers' && info.index >= 0 && frame) {
      setSelected(frame.ids[info.index] ?? null);
      setFollowing(false);
    }
  };

  return (
    <div
      ref={container}
      data-testid="map.drivers"
      data-rendered-drivers={frame?.count ?? 0}
      data-surge-cells={(surge.props.data as SurgePolygon[]).length}
      className="absolute inset-0"
      onKeyDown={(e) => e.key === 'Escape' && setSelected(null)}
    >
      <DeckGL
        ref={deck}
        views={new MapView({ repeat: false })}
        viewState={shownView}
        controller
        layers={layersAt(glided.current)}
        onAfterRender={onAfterRender}
        onViewStateChange={onViewStateChange as never}
        onClick={onClick}
        // Dots are a few pixels wide: a click a little off still finds the driver.
        pickingRadius={4}
        getTooltip={getTooltip}
        onError={setDeckFailure}
      />
      <Legend />
      <LayerToggles shown={shown} onChange={setShown} />
      {selected && (
        <DriverInspector
          id={selected}
          at={selectedAt}
          status={selectedIndex >= 0 && frame ? statusFromCode(frame.statuses[selectedIndex] ?? 3) : null}
          following={following}
          onFollow={setFollowing}
          onClose={() => {
            setSelected(null);
            setFollowing(false);
          }}
        />
      )}
      {windowEnds.length > 1 && <SurgeScrubber windowEnds={windowEnds} value={scrubEnd} onChange={setScrubEnd} />}
    </div>
  );
}

function DriverInspector({ id, at, status, following, onFollow, onClose }: { id: string; at: [number, number] | null; status: string | null; following: boolean; onFollow: (f: boolean) => void; onClose: () => void }) {
  return (
    <section className="absolute left-3 top-3 w-60 rounded bg-panel/95 p-3 text-sm shadow-lg" aria-label={`Driver ${id}`} data-testid="map.inspector">
      <header className="mb-1 flex items-center justify-between">
        <h3 className="font-mono font-semibold">{id}</h3>
        <button className="text-muted hover:text-ink" onClick={onClose} aria-label="Close driver details">
          ✕
        </button>
      </header>
      {at ? (
        <dl className="grid grid-cols-[4rem_1fr] gap-y-0.5 text-xs">
          <dt className="text-muted">status</dt>
          <dd data-testid="map.inspector.status">{status?.replace('_', ' ')}</dd>
          <dt className="text-muted">position</dt>
          <dd className="tabular-nums">
            {at[1].toFixed(5)}, {at[0].toFixed(5)}
          </dd>
        </dl>
      ) : (
        <p className="text-xs text-muted">Not in view any more (went offline, or outside the area this map receives).</p>
      )}
      <label className="mt-2 flex cursor-pointer items-center gap-1.5 text-xs">
        <input type="checkbox" checked={following} onChange={(e) => onFollow(e.target.checked)} disabled={!at} data-testid="map.follow" />
        follow on the map
      </label>
    </section>
  );
}

/** Steps back through the recent surge windows the gateway keeps; the right end is live. */
function SurgeScrubber({ windowEnds, value, onChange }: { windowEnds: readonly number[]; value: number | null; onChange: (end: number | null) => void }) {
  const index = value === null ? windowEnds.length - 1 : Math.max(0, windowEnds.indexOf(value));
  const end = windowEnds[index]!;
  return (
    <div className="absolute bottom-14 left-3 flex items-center gap-2 rounded bg-panel/90 px-3 py-1.5 text-xs text-muted">
      <label htmlFor="surge-scrubber">surge window</label>
      <input
        id="surge-scrubber"
        type="range"
        min={0}
        max={windowEnds.length - 1}
        value={index}
        onChange={(e) => {
          const i = Number(e.target.value);
          onChange(i === windowEnds.length - 1 ? null : windowEnds[i]!);
        }}
        data-testid="map.surge-scrubber"
      />
      <span className="w-28 tabular-nums text-ink" data-testid="map.surge-window">
        {value === null ? 'live' : `${new Date(end).toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata' })} IST`}
      </span>
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
