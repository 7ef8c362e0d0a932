import { bengaluru } from '../lib/city';
import { Marketplace, marketplaceFigures, type TripStep } from '../pipeline/simulator/marketplace';
const m = new Marketplace({ city: bengaluru, drivers: 3000, seed: 42, requestsPerSecond: 1.5 });
const steps: TripStep[] = [];
let req = 0;
for (let i = 1; i <= 3000; i++) { const o = m.step(100, 1_800_000_000_000 + i * 100); req += o.requests.length; steps.push(...o.events); }
console.log(steps.filter((s) => s.kind === 'started').slice(0, 5), marketplaceFigures(req, steps, []).pickupEtaMin);
