import { describe, expect, it } from 'vitest';
import { formatKpi, kpiTiles } from './kpi-tiles';
import type { OpsKpis } from './schemas/ops-kpis';

const minute = (n: number, requests: number): OpsKpis => ({
  windowStart: n * 60_000, windowEnd: (n + 1) * 60_000, requests, activeDrivers: 100 + n, driversOnTrip: 40, payments: 7, paymentVolume: 1234.5, alerts: n % 2,
});

describe('kpiTiles', () => {
  it('shows the newest minute, its change and a bounded series, whatever the input order', () => {
    const tiles = kpiTiles([minute(3, 30), minute(1, 10), minute(2, 25)], 2);
    const requests = tiles.find((t) => t.key === 'requests')!;
    expect(requests).toMatchObject({ value: 30, change: 5, series: [25, 30], windowEnd: 4 * 60_000 });
    expect(tiles.map((t) => t.key)).toEqual(['requests', 'activeDrivers', 'driversOnTrip', 'payments', 'paymentVolume', 'alerts']);
  });

  it('has no change for a single minute and no tiles without minutes', () => {
    expect(kpiTiles([minute(1, 10)])[0]!.change).toBeNull();
    expect(kpiTiles([])).toEqual([]);
  });

  it.each([
    ['requests', 12345, '12,345'],
    ['paymentVolume', 950, '₹950'],
    ['paymentVolume', 1234.5, '₹1.2k'],
    ['paymentVolume', 250_000, '₹2.5 L'],
    ['paymentVolume', 31_000_000, '₹3.1 Cr'],
  ] as const)('formats %s %d as %s', (key, value, text) => {
    expect(formatKpi(key, value)).toBe(text);
  });
});
