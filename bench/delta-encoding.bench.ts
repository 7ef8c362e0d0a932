import { cpus, totalmem } from 'node:os';
import { Encoder } from 'socket.io-parser';
import { bengaluru } from '../lib/city';
import { decodeDrivers, encodeDrivers, type WireDriver } from '../lib/driver-wire';
import { statusCode, type DriverTuple } from '../lib/protocol';
import { Fleet } from '../pipeline/simulator/fleet';
import { writeResults, type BenchRow } from './results';

/**
 * Driver deltas on the wire: the binary frame (lib/driver-wire) against the same delta as JSON
 * tuples, measured in one run on one machine. Bytes are what Socket.IO's encoder produces for
 * the packet; CPU is encode + decode per delta.
 */
const sizes = [3_000, 20_000];
const rounds = 60;
const encoder = new Encoder();

function deltaOf(n: number): { tuples: DriverTuple[]; wire: WireDriver[]; sentAt: number } {
  const fleet = new Fleet({ city: bengaluru, drivers: n, seed: 7 });
  fleet.step(60_000);
  const sentAt = Date.now();
  const locations = fleet.drivers.map((d) => fleet.location(d, sentAt - 300));
  return {
    sentAt,
    tuples: locations.map((l) => [l.driverId, l.lon, l.lat, statusCode(l.status), l.headingDeg ?? 0, l.ts]),
    wire: locations.map((l, index) => ({ index, lon: l.lon, lat: l.lat, status: statusCode(l.status), headingDeg: l.headingDeg ?? 0, ts: l.ts })),
  };
}

function wireBytes(data: unknown): number {
  const packets = encoder.encode({ type: 2, nsp: '/', data: ['drivers:delta', data] });
  return packets.reduce<number>((sum, p) => sum + (typeof p === 'string' ? Buffer.byteLength(p) : (p as ArrayBufferView).byteLength), 0);
}

function timePerOp(fn: () => void): number {
  for (let i = 0; i < 5; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / rounds;
}

const rows: BenchRow[] = [];
for (const n of sizes) {
  const { tuples, wire, sentAt } = deltaOf(n);
  const jsonDelta = { seq: 1, sentAt, upserts: tuples, removals: [] as string[] };
  const json = JSON.stringify(jsonDelta);
  const binary = encodeDrivers(wire, [], sentAt);
  const binDelta = { seq: 1, sentAt, assigned: [] as [number, string][], data: binary };
  const jsonBytes = wireBytes(jsonDelta);
  const binBytes = wireBytes(binDelta);
  // The binary path includes what the gateway does per driver to build it: look up the
  // driver's slot (DriverView.indexFor) from its id.
  const slotOf = new Map(tuples.map((t, i) => [t[0], i]));
  const binaryOnce = (): void => {
    const frame = tuples.map((t) => ({ index: slotOf.get(t[0])!, lon: t[1], lat: t[2], status: t[3], headingDeg: t[4], ts: t[5] }));
    decodeDrivers(encodeDrivers(frame, [], sentAt), sentAt);
  };
  const jsonOnce = (): void => void JSON.parse(JSON.stringify(jsonDelta));
  // Alternating rounds, so that neither side always runs on a warmer or a colder process.
  const jsonRounds: number[] = [];
  const binRounds: number[] = [];
  for (let round = 0; round < 6; round++) {
    jsonRounds.push(timePerOp(jsonOnce));
    binRounds.push(timePerOp(binaryOnce));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const jsonMs = median(jsonRounds);
  const binMs = median(binRounds);
  rows.push(
    { name: `delta of ${n.toLocaleString('en-US')} drivers: bytes on the wire`, value: binBytes, unit: 'B', baseline: jsonBytes, ratio: binBytes / jsonBytes, target: 'lower is better' },
    { name: `delta of ${n.toLocaleString('en-US')} drivers: encode + decode CPU`, value: binMs, unit: 'ms', baseline: jsonMs, ratio: binMs / jsonMs, target: 'lower is better' },
  );
  if (json.length === 0) throw new Error('empty JSON');
}

writeResults('delta-encoding', `binary driver frames vs JSON tuples (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version})`, rows);
