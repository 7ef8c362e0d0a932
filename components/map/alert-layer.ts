import { ScatterplotLayer } from '@deck.gl/layers';
import type { AlertRecord } from '../../lib/protocol';

/** Open alerts that carry a location, as rings the eye finds over thousands of driver dots. */
export function alertMarkers(records: readonly AlertRecord[]): AlertRecord[] {
  return records.filter((r) => r.triage.status !== 'resolved' && r.alert.lat !== undefined && r.alert.lon !== undefined);
}

export function alertLayer(markers: readonly AlertRecord[]): ScatterplotLayer<AlertRecord> {
  return new ScatterplotLayer<AlertRecord>({
    id: 'alerts',
    data: markers,
    getPosition: (r) => [r.alert.lon!, r.alert.lat!],
    getRadius: 9,
    radiusUnits: 'pixels',
    stroked: true,
    filled: true,
    getFillColor: (r) => (r.triage.status === 'new' ? [239, 68, 68, 90] : [148, 163, 184, 60]),
    getLineColor: (r) => (r.triage.status === 'new' ? [248, 113, 113, 255] : [148, 163, 184, 200]),
    lineWidthMinPixels: 2,
    pickable: true,
  });
}
