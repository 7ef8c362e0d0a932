import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { recomputeSurge, surgeWindowKey, type RawRecord } from './surge-oracle';

const settings = { h3Resolution: 8, windowMs: 20_000, slideMs: 10_000, latenessMs: 5_000, minDemand: 1 };
const at = { lat: 12.9788, lon: 77.5996 };
const cell = latLngToCell(at.lat, at.lon, 8);
const request = (id: string, t: number): RawRecord => ({ kind: 'request', timestamp: t, value: Buffer.from(JSON.stringify({ requestId: id, riderId: 'r', ...at, ts: t })) });
const ping = (id: string, t: number, status = 'idle'): RawRecord => ({ kind: 'ping', timestamp: t, value: Buffer.from(JSON.stringify({ driverId: id, ...at, status, ts: t })) });

describe('recomputeSurge', () => {
  it('counts requests and distinct idle drivers in every window an event falls in, and smooths each cell with its neighbours', () => {
    const out = recomputeSurge(
      [request('a', 15_000), request('b', 16_000), request('c', 25_000), ping('d1', 15_500), ping('d1', 17_000), ping('d2', 17_000, 'on_trip')],
      settings,
    );
    // 15-17 s fall in [0,20) and [10,30); 25 s in [10,30) and [20,40). Alone among calm
    // neighbours, each window's own multiplier (1.5x, 2.0x, 3.0x) is weighed 2 to 6 x 1.0x.
    expect(out.get(surgeWindowKey(cell, 0))).toEqual({ cell, windowStart: 0, windowEnd: 20_000, demand: 2, supply: 1, multiplier: 1.1 });
    expect(out.get(surgeWindowKey(cell, 10_000))).toMatchObject({ demand: 3, supply: 1, multiplier: 1.2 });
    expect(out.get(surgeWindowKey(cell, 20_000))).toMatchObject({ demand: 1, supply: 0, multiplier: 1.5 });
    // A neighbour with no window of its own is written where the cell lifts it above 1.0x:
    // (3.0x + 7 x 1.0x) / 8 and (2.0x + 7 x 1.0x) / 8, not (1.5x + 7 x 1.0x) / 8.
    const neighbours = gridDisk(cell, 1).filter((c) => c !== cell);
    for (const n of neighbours) {
      expect(out.get(surgeWindowKey(n, 20_000))).toEqual({ cell: n, windowStart: 20_000, windowEnd: 40_000, demand: 0, supply: 0, multiplier: 1.2 });
      expect(out.get(surgeWindowKey(n, 10_000))).toMatchObject({ demand: 0, supply: 0, multiplier: 1.1 });
      expect(out.has(surgeWindowKey(n, 0))).toBe(false);
    }
    expect(out.size).toBe(3 + 2 * neighbours.length);
  });

  it('leaves a cell below the minimum demand at its base, so it lifts no neighbour', () => {
    const calm = recomputeSurge([request('a', 15_000), request('b', 16_000), request('c', 25_000), ping('d1', 15_500)], { ...settings, minDemand: 3 });
    const own = [...calm.values()].filter((w) => w.cell === cell).map((w) => [w.windowStart, w.demand, w.multiplier]);
    expect(own.sort((a, b) => a[0]! - b[0]!)).toEqual([[0, 2, 1], [10_000, 3, 1.2], [20_000, 1, 1]]);
    expect([...calm.values()].filter((w) => w.cell !== cell).map((w) => w.windowStart)).toEqual(expect.arrayContaining([10_000]));
    expect([...calm.values()].every((w) => w.cell === cell || w.windowStart === 10_000)).toBe(true);
  });

  it('leaves out what the job leaves out: broken records, and requests the schema rejects', () => {
    const broken: RawRecord[] = [
      { kind: 'request', timestamp: 1_000, value: Buffer.from('{"requestId":') },
      { kind: 'request', timestamp: 1_000, value: Buffer.from(JSON.stringify({ requestId: 'x', riderId: 'r', lat: 'north', lon: 77.6, ts: 1_000 })) },
      { kind: 'ping', timestamp: 1_000, value: Buffer.from([0xff, 0xfe]) },
      { kind: 'ping', timestamp: 1_000, value: null },
    ];
    expect(recomputeSurge(broken, settings).size).toBe(0);
  });
});
