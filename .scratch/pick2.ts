import { bengaluru } from '../lib/city';
import { Marketplace, type TripStep } from '../pipeline/simulator/marketplace';
for (const dt of [100, 1000]) {
  const m = new Marketplace({ city: bengaluru, drivers: 3000, seed: 42, requestsPerSecond: 1.5 });
  const steps: TripStep[] = [];
  for (let i = 1; i <= 300_000 / dt; i++) steps.push(...m.step(dt, 1_800_000_000_000 + i * dt).events);
  const assigned = new Map(steps.filter((s) => s.kind === 'assigned').map((s) => [s.requestId, s]));
  const started = steps.filter((s) => s.kind === 'started');
  const zero = started.filter((s) => s.kind === 'started' && s.pickupMs === 0);
  console.log(dt, 'assigned', assigned.size, 'started', started.length, 'zero', zero.length, 'dist of zero', zero.slice(0, 5).map((s) => (assigned.get(s.requestId) as { distanceM: number }).distanceM));
}
