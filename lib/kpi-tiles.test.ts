import { describe, expect, it } from 'vitest';
import { formatKpi, formatKpiChange, kpiTiles, wallKpis } from './kpi-tiles';
import type { MarketplaceKpis } from './schemas/marketplace-kpis';
import type { OpsKpis } from './schemas/ops-kpis';

const minute = (n: number, requests: number): OpsKpis => ({
  windowStart: n * 60_000, windowEnd: (n + 1) * 60_000, requests, activeDrivers: 100 + n, driversOnTrip: 40, driversEnRoute: 20, driversIdle: 40 + n, payments: 7, paymentVolume: 1234.5, alerts: n % 2,
});
const market = (n: number, p50: number | null, unfulfilled = 2): MarketplaceKpis => ({
  windowStart: n * 60_000, windowEnd: (n + 1) * 60_000, assigned: 18, unfulfilled, fulfilment: 18 / (18 + unfulfilled), pickupEtaP50Ms: p50, pickupEtaP90Ms: p50 === null ? null : p50 * 2, tripsStarted: 15, tripsCompleted: 16,
});

describe('kpiTiles', () => {
  it('shows the newest minute, its change and a bounded series, whatever the input order', () => {
    const tiles = kpiTiles([minute(3, 30), minute(1, 10), minute(2, 25)], [], 2);
    const requests = tiles.find((t) => t.key === 'requests')!;
    expect(requests).toMatchObject({ value: 30, change: 5, better: true, series: [25, 30], windowEnd: 4 * 60_000 });
    expect(tiles.map((t) => t.key)).toEqual(['requests', 'activeDrivers', 'driversIdle', 'driversEnRoute', 'driversOnTrip', 'payments', 'paymentVolume', 'alerts']);
  });

  it('joins the marketplace minutes to the same minutes, in the order demand → service → fleet → money', () => {
    const tiles = kpiTiles([minute(1, 10), minute(2, 12)], [market(2, 300_000, 4), market(1, 240_000)]);
    expect(tiles.map((t) => t.key)).toEqual([
      'requests', 'fulfilment', 'unfulfilled', 'pickupEtaP50Ms', 'pickupEtaP90Ms', 'tripsStarted', 'tripsCompleted',
      'activeDrivers', 'driversIdle', 'driversEnRoute', 'driversOnTrip', 'payments', 'paymentVolume', 'alerts',
    ]);
    // More riders giving up and slower pickups are changes for the worse.
    expect(tiles.find((t) => t.key === 'unfulfilled')).toMatchObject({ value: 4, change: 2, better: false });
    expect(tiles.find((t) => t.key === 'pickupEtaP50Ms')).toMatchObject({ value: 300_000, change: 60_000, better: false });
    expect(tiles.find((t) => t.key === 'fulfilment')).toMatchObject({ value: 18 / 22, better: false });
  });

  it('leaves a minute without a value out of that KPI (no pickups that minute; v1 minutes without the status split)', () => {
    const v1: OpsKpis = { windowStart: 0, windowEnd: 60_000, requests: 5, activeDrivers: 10, driversOnTrip: 3, payments: 1, paymentVolume: 10, alerts: 0 };
    const tiles = kpiTiles([v1, minute(1, 10), minute(2, 11)], [market(1, 240_000), market(2, null)]);
    expect(tiles.find((t) => t.key === 'pickupEtaP50Ms')).toMatchObject({ value: 240_000, change: null, series: [240_000], windowEnd: 2 * 60_000 });
    expect(tiles.find((t) => t.key === 'driversIdle')!.series).toEqual([41, 42]);
    expect(tiles.find((t) => t.key === 'requests')!.series).toEqual([5, 10, 11]);
  });

  it("shows the wall's tiles only where asked, in the same order", () => {
    const tiles = kpiTiles([minute(1, 10)], [market(1, 240_000)], 30, wallKpis);
    expect(tiles.map((t) => t.key)).toEqual(['requests', 'fulfilment', 'unfulfilled', 'pickupEtaP50Ms', 'pickupEtaP90Ms', 'tripsCompleted', 'driversIdle', 'driversEnRoute', 'driversOnTrip']);
  });

  it('has no change for a single minute and no tiles without minutes', () => {
    expect(kpiTiles([minute(1, 10)])[0]!.change).toBeNull();
    expect(kpiTiles([])).toEqual([]);
  });

  it.each([
    ['requests', 12345, '12,345'],
    ['fulfilment', 0.9431, '94.3 %'],
    ['pickupEtaP90Ms', 690_000, '11.5 min'],
    ['paymentVolume', 950, '₹950'],
    ['paymentVolume', 1234.5, '₹1.2k'],
    ['paymentVolume', 250_000, '₹2.5 L'],
    ['paymentVolume', 31_000_000, '₹3.1 Cr'],
  ] as const)('formats %s %d as %s', (key, value, text) => {
    expect(formatKpi(key, value)).toBe(text);
  });
});

describe('formatKpiChange', () => {
  it('leaves the unit to the value for times and shares, and keeps it for money', () => {
    expect(formatKpiChange('pickupEtaP90Ms', -48_000)).toBe('0.8');
    expect(formatKpiChange('fulfilment', 0.012)).toBe('1.2');
    expect(formatKpiChange('paymentVolume', -25_200)).toBe('₹25.2k');
    expect(formatKpiChange('requests', 18)).toBe('18');
    expect(formatKpiChange('pickupEtaP50Ms', 1_000)).toBeNull();
    expect(formatKpiChange('paymentVolume', 0.4)).toBeNull();
  });
});
