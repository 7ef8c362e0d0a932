import { gridDisk, latLngToCell } from 'h3-js';
import { bengaluru } from '../lib/city';
import { hopWindowStarts, smoothedTenths, SMOOTH_NEIGHBOUR_WEIGHT, SMOOTH_OWN_WEIGHT, surgeTenths, defaultSurgeSettings } from '../lib/surge';
import { Marketplace } from '../pipeline/simulator/marketplace';

const drivers = Number(process.argv[2] ?? 2000);
const rps = Number(process.argv[3] ?? drivers / 2000);
const settings = defaultSurgeSettings;
const m = new Marketplace({ city: bengaluru, drivers, seed: 42, requestsPerSecond: rps });
const t0 = 1_800_000_000_000;
const windows = new Map<string, { cell: string; start: number; demand: Set<string>; supply: Set<string> }>();
const add = (cell: string, ts: number, id: string, demand: boolean) => {
  for (const start of hopWindowStarts(ts, settings)) {
    const k = `${cell}@${start}`;
    let w = windows.get(k);
    if (!w) windows.set(k, (w = { cell, start, demand: new Set(), supply: new Set() }));
    (demand ? w.demand : w.supply).add(id);
  }
};
for (let s = 1; s <= 240; s++) {
  const ts = t0 + s * 1000;
  const out = m.step(1000, ts);
  for (const r of out.requests) add(latLngToCell(r.lat, r.lon, 8), ts, r.requestId, true);
  for (const d of m.fleet.drivers) if (d.status === 'idle') add(latLngToCell(d.position.lat, d.position.lon, 8), ts, d.id, false);
}
const byStart = new Map<number, Map<string, { w: number; ws: number }>>();
for (const w of windows.values()) {
  const tenths = surgeTenths(w.demand.size, w.supply.size, settings.minDemand);
  let cells = byStart.get(w.start);
  if (!cells) byStart.set(w.start, (cells = new Map()));
  for (const [c, wt] of gridDisk(w.cell, 1).map((c) => [c, c === w.cell ? SMOOTH_OWN_WEIGHT : SMOOTH_NEIGHBOUR_WEIGHT] as const)) {
    let t = cells.get(c);
    if (!t) cells.set(c, (t = { w: 0, ws: 0 }));
    t.w += wt * tenths; t.ws += wt;
  }
}
for (const [start, cells] of [...byStart].sort((a, b) => a[0] - b[0])) {
  const end = (start + 60_000 - t0) / 1000;
  if (end > 240 || end % 30) continue;
  console.log(`window ending ${end}s: ${[...cells.values()].filter((x) => smoothedTenths(x.w, x.ws) > 10).length} surging`);
}
