/**
 * Which drivers report in a tick: each driver reports once per interval at its own phase, so
 * load is spread evenly instead of arriving as one burst per interval.
 */
export function reportingDrivers(count: number, intervalMs: number, fromMs: number, toMs: number): number[] {
  const due: number[] = [];
  for (let i = 0; i < count; i++) {
    const phase = (i * intervalMs) / count;
    if (Math.floor((toMs - phase) / intervalMs) > Math.floor((fromMs - phase) / intervalMs)) due.push(i);
  }
  return due;
}
