/**
 * The compact binary form of driver positions on the socket. Drivers are numbered by the
 * gateway (a dictionary sent with the snapshot and grown by each delta's new ids), so a
 * position costs 19 bytes instead of ~60 as a JSON tuple:
 *
 *   u32 count, u32 removals,
 *   u32 index[count], f32 lon/lat[2·count], i32 eventTime − sentAt[count] (ms),
 *   u16 heading[count] (tenths of a degree), u8 status[count], padding to 4,
 *   u32 removedIndex[removals]                                  — all little-endian
 *
 * f32 keeps positions to about half a metre, plenty for a map.
 */

export interface WireDriver {
  readonly index: number;
  readonly lon: number;
  readonly lat: number;
  readonly status: number;
  readonly headingDeg: number;
  readonly ts: number;
}

const HEADER = 8;
const align4 = (n: number): number => (n + 3) & ~3;

/** Byte offsets of each section for `n` drivers and `r` removals, and the total size. */
function layout(n: number, r: number) {
  const indexAt = HEADER;
  const lonLatAt = indexAt + 4 * n;
  const tsAt = lonLatAt + 8 * n;
  const headingAt = tsAt + 4 * n;
  const statusAt = headingAt + 2 * n;
  const removalsAt = align4(statusAt + n);
  return { indexAt, lonLatAt, tsAt, headingAt, statusAt, removalsAt, size: removalsAt + 4 * r };
}

function sections(buffer: ArrayBuffer, n: number, r: number) {
  const at = layout(n, r);
  return {
    index: new Uint32Array(buffer, at.indexAt, n),
    lonLat: new Float32Array(buffer, at.lonLatAt, 2 * n),
    ts: new Int32Array(buffer, at.tsAt, n),
    heading: new Uint16Array(buffer, at.headingAt, n),
    status: new Uint8Array(buffer, at.statusAt, n),
    removals: new Uint32Array(buffer, at.removalsAt, r),
  };
}

export function encodeDrivers(drivers: readonly WireDriver[], removals: readonly number[], sentAt: number): Uint8Array {
  const n = drivers.length;
  const buffer = new ArrayBuffer(layout(n, removals.length).size);
  const view = new DataView(buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, removals.length, true);
  const { index, lonLat, ts, heading, status, removals: removed } = sections(buffer, n, removals.length);
  drivers.forEach((d, i) => {
    index[i] = d.index;
    lonLat[2 * i] = d.lon;
    lonLat[2 * i + 1] = d.lat;
    ts[i] = Math.max(-0x80000000, Math.min(0x7fffffff, d.ts - sentAt));
    heading[i] = Math.round(d.headingDeg * 10) % 3600;
    status[i] = d.status;
  });
  removed.set(removals);
  return new Uint8Array(buffer);
}

export interface DecodedDrivers {
  readonly drivers: WireDriver[];
  readonly removals: number[];
}

/** Decodes what encodeDrivers wrote; throws on a buffer of the wrong size. */
export function decodeDrivers(data: ArrayBuffer | Uint8Array, sentAt: number): DecodedDrivers {
  // Copy into a fresh, aligned buffer: what arrives may be a view at any offset into a shared
  // pool (a Node Buffer, whose slice() does not copy).
  const buffer = new Uint8Array(data instanceof Uint8Array ? data : new Uint8Array(data)).buffer;
  if (buffer.byteLength < HEADER) throw new Error(`driver frame of ${buffer.byteLength} bytes is shorter than its header`);
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const r = view.getUint32(4, true);
  if (buffer.byteLength !== layout(n, r).size) {
    throw new Error(`driver frame of ${buffer.byteLength} bytes does not hold ${n} drivers and ${r} removals`);
  }
  const { index, lonLat, ts, heading, status, removals } = sections(buffer, n, r);
  const drivers: WireDriver[] = new Array(n);
  for (let i = 0; i < n; i++) {
    drivers[i] = { index: index[i]!, lon: lonLat[2 * i]!, lat: lonLat[2 * i + 1]!, status: status[i]!, headingDeg: heading[i]! / 10, ts: sentAt + ts[i]! };
  }
  return { drivers, removals: [...removals] };
}
