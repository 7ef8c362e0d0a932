import { bengaluru } from '../lib/city';
import { Marketplace } from '../pipeline/simulator/marketplace';
const m = new Marketplace({ city: bengaluru, drivers: Number(process.argv[2] ?? 3000), seed: 42, requestsPerSecond: Number(process.argv[2] ?? 3000) / 2000 });
const out: string[] = [];
let a = 0, c = 0;
for (let s = 1; s <= 30 * 60; s++) {
  for (const e of m.step(1000, 1_800_000_000_000 + s * 1000).events) { if (e.kind === 'assigned') a++; if (e.kind === 'cancelled') c++; }
  if (s % 60 === 0) { out.push(`${s / 60}:${Math.round((100 * a) / (a + c))}%`); a = 0; c = 0; }
}
console.log(out.join(' '));
