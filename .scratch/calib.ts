import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { bengaluru } from '../lib/city';
import { distanceMeters } from '../lib/geo';
import { hopWindowStarts, smoothedTenths, SMOOTH_NEIGHBOUR_WEIGHT, SMOOTH_OWN_WEIGHT, surgeTenths, defaultSurgeSettings } from '../lib/surge';
import { stadiumLetsOut } from '../pipeline/simulator/demand';
import { Marketplace, marketplaceFigures, type TripStep } from '../pipeline/simulator/marketplace';

const drivers = Number(process.argv[2] ?? 3000);
const rps = Number(process.argv[3] ?? drivers / 2000);
const minutes = Number(process.argv[4] ?? 60);
const settings = { ...defaultSurgeSettings, minDemand: Number(process.argv[5] ?? 3) };
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
const events: TripStep[] = [];
const samples = [];
let requests = 0;
for (let s = 1; s <= minutes * 60; s++) {
  const ts = t0 + s * 1000;
  const out = m.step(1000, ts);
  requests += out.requests.length;
  events.push(...out.events);
  for (const r of out.requests) add(latLngToCell(r.lat, r.lon, 8), ts, r.requestId, true);
  if (s % 2 === 0) for (const d of m.fleet.drivers) if (d.status === 'idle') add(latLngToCell(d.position.lat, d.position.lon, 8), ts, d.id, false);
  if (s % 60 === 0) samples.push(m.statusCounts());
}
const f = marketplaceFigures(requests, events, samples);
console.log(JSON.stringify({ fulfilment: f.fulfilment.toFixed(3), eta: f.pickupEtaMin, shares: f.shares }));
// per window start: active cells, surging cells
const byStart = new Map<number, Map<string, { own: boolean; w: number; ws: number; demand: number }>>();
for (const w of windows.values()) {
  const tenths = surgeTenths(w.demand.size, w.supply.size, settings.minDemand);
  let cells = byStart.get(w.start);
  if (!cells) byStart.set(w.start, (cells = new Map()));
  const weigh = (c: string, wt: number, own: boolean) => {
    let t = cells!.get(c);
    if (!t) cells!.set(c, (t = { own: false, w: 0, ws: 0, demand: 0 }));
    t.w += wt * tenths; t.ws += wt; if (own) { t.own = true; t.demand = w.demand.size; }
  };
  weigh(w.cell, SMOOTH_OWN_WEIGHT, true);
  for (const n of gridDisk(w.cell, 1)) if (n !== w.cell) weigh(n, SMOOTH_NEIGHBOUR_WEIGHT, false);
}
const stadium = bengaluru.landmarks.find((l) => l.kind === 'venue')!;
const quiet = { active: 0, surging: 0, n: 0 };
const event = { active: 0, surging: 0, n: 0, stadiumHot: 0, maxM: 0 };
for (const [start, cells] of [...byStart].sort((a, b) => a[0] - b[0])) {
  const t = start + settings.windowMs - t0;
  if (t < 5 * 60_000) continue;
  let active = 0, surging = 0, stadiumHot = 0, maxM = 0;
  for (const [c, x] of cells) {
    const sm = smoothedTenths(x.w, x.ws);
    if (x.own) active++;
    if (sm > 10) surging++;
    if (sm >= 15) { const [lat, lon] = [0, 0]; void lat; void lon; }
    maxM = Math.max(maxM, sm);
    if (sm > 15) {
      // distance of cell centre to stadium

      const [la, lo] = cellToLatLng(c);
      if (distanceMeters({ lat: la, lon: lo }, stadium) < 1500) stadiumHot++;
    }
  }
  const ev = stadiumLetsOut(t - 30_000);
  const acc = ev ? event : quiet;
  acc.active += active; acc.surging += surging; acc.n++;
  if (ev) { event.stadiumHot += stadiumHot; event.maxM = Math.max(event.maxM, maxM); }
}
console.log('quiet: surging share', (quiet.surging / quiet.active).toFixed(3), 'windows', quiet.n, 'active/window', (quiet.active / quiet.n).toFixed(0));
console.log('event: surging share', (event.surging / event.active).toFixed(3), 'windows', event.n, 'stadium >1.5 cells/window', (event.stadiumHot / Math.max(1, event.n)).toFixed(2), 'max', event.maxM);
