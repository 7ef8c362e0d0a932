'use client';

import { MapView, type Layer, type MapViewState, type PickingInfo } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import DeckGL, { type DeckGLRef } from '@deck.gl/react';
import { useMemo, useRef, useState } from 'react';
import { cardLabel } from '../../lib/card';
import { statusFromCode, type AlertRecord } from '../../lib/protocol';
import { useAlerts } from '../live/use-alerts';
import { useDrivers } from '../live/use-drivers';
import { alertLayer, alertMarkers } from './alert-layer';
import { cityCenter, cityLayers } from './city-layers';
import { DriverInspector } from './DriverInspector';
import { colorsForStatuses } from './driver-colors';
import { LayerToggles, type Shown } from './LayerToggles';
import { MapLegend } from './MapLegend';
import { recordDrawn } from './map-probe';
import { surgeLayer, surgePolygons, type SurgePolygon } from './surge-layer';
import { SurgeScrubber } from './SurgeScrubber';
import { useGlide } from './use-glide';
import { useSurgeWindow } from './use-surge-window';
import { useViewportSubscription } from './use-viewport-subscription';

const initialViewState = { ...cityCenter, zoom: 11, pitch: 0, bearing: 0 };
const staticLayers = cityLayers();

/** The live city: drivers gliding between pings, surge hexagons, open fraud alerts. */
export default function DriverMap() {
  const frame = useDrivers();
  const container = useRef<HTMLDivElement>(null);
  const [viewState, setViewState] = useState<MapViewState>(initialViewState);
  const [selected, setSelected] = useState<string | null>(null);
  const [following, setFollowing] = useState(false);
  const [shown, setShown] = useState<Shown>({ drivers: true, surge: true, alerts: true });
  const surgeWindow = useSurgeWindow();
  const askForViewport = useViewportSubscription(container);
  const deck = useRef<DeckGLRef>(null);
  // deck.gl reports a device it could not create (no WebGL) or a layer that broke through a
  // callback, outside React's render: rethrown here, the panel's boundary shows the failure
  // instead of an empty map that looks like no drivers.
  const [deckFailure, setDeckFailure] = useState<Error | null>(null);
  if (deckFailure) throw deckFailure;
  const glided = useGlide(frame, following, (positions) => deck.current?.deck?.setProps({ layers: layersAt(positions) }));

  const selectedIndex = selected && frame ? frame.ids.indexOf(selected) : -1;
  const glidedAt = (positions: Float32Array): [number, number] | null => (selectedIndex >= 0 ? [positions[selectedIndex * 2]!, positions[selectedIndex * 2 + 1]!] : null);
  const selectedAt = glidedAt(glided.current);
  const shownView = following && selectedAt ? { ...viewState, longitude: selectedAt[0], latitude: selectedAt[1] } : viewState;

  const onViewStateChange = ({ viewState: next, interactionState }: { viewState: MapViewState; interactionState?: { isDragging?: boolean } }): void => {
    if (interactionState?.isDragging) setFollowing(false);
    setViewState(next);
    askForViewport(next);
  };

  const alertRecords = useAlerts()?.records;
  const alerts = useMemo(() => alertLayer(alertMarkers(alertRecords ?? [])), [alertRecords]);
  const surgeCells = surgeWindow.cells;
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

  const onAfterRender = (): void => {
    if (frame) recordDrawn({ frame, surgeCells: (surge.props.data as SurgePolygon[]).length, view: shownView, element: container.current, positionsNow: () => glided.current });
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
      <MapLegend />
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
      {surgeWindow.windowEnds.length > 1 && <SurgeScrubber windowEnds={surgeWindow.windowEnds} value={surgeWindow.end} onChange={surgeWindow.setEnd} />}
    </div>
  );
}
