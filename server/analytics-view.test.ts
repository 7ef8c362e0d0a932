import { describe, expect, it } from 'vitest';
import type { MarketplaceKpis } from '../lib/schemas/marketplace-kpis';
import type { OpsKpis } from '../lib/schemas/ops-kpis';
import type { SurgeCell } from '../lib/schemas/surge-cell';
import { AnalyticsView, KPI_MINUTES_KEPT, SURGE_WINDOWS_KEPT } from './analytics-view';

const cell = (id: string, windowEnd: number, demand = 3, supply = 1): SurgeCell => ({
  cell: id.padEnd(15, 'f'),
  windowStart: windowEnd - 60_000,
  windowEnd,
  demand,
  supply,
  multiplier: 2,
});
const minute = (windowStart: number): OpsKpis => ({ windowStart, windowEnd: windowStart + 60_000, requests: 1, activeDrivers: 2, driversOnTrip: 1, payments: 3, paymentVolume: 9.5, alerts: 0 });

const market = (windowStart: number, assigned = 10): MarketplaceKpis => ({
  windowStart, windowEnd: windowStart + 60_000, assigned, unfulfilled: 1, fulfilment: assigned / (assigned + 1), pickupEtaP50Ms: 200_000, pickupEtaP90Ms: 500_000, tripsStarted: 9, tripsCompleted: 8,
});

describe('AnalyticsView', () => {
  it('shows the newest window only, and never moves a cell back in time', () => {
    const view = new AnalyticsView();
    view.applySurge(cell('881', 10_000));
    view.applySurge(cell('882', 10_000));
    view.applySurge(cell('881', 20_000, 9, 2));
    view.applySurge(cell('881', 10_000));
    const { surge } = view.state();
    expect(surge.windowEnd).toBe(20_000);
    expect(surge.cells.map((c) => [c.cell.slice(0, 3), c.demand])).toEqual([['881', 9]]);
  });

  it('keeps the recent windows whole for the time scrubber, the oldest dropped first', () => {
    const view = new AnalyticsView();
    for (let i = 1; i <= SURGE_WINDOWS_KEPT + 3; i++) {
      view.applySurge(cell('881', i * 10_000, i));
      view.applySurge(cell('882', i * 10_000));
    }
    view.applySurge(cell('883', 10_000));
    const ends = view.state().surge.windowEnds;
    expect(ends).toHaveLength(SURGE_WINDOWS_KEPT);
    expect(ends[0]).toBe(4 * 10_000);
    expect(view.surgeAt(10_000)).toBeNull();
    expect(view.surgeAt(5 * 10_000)!.map((c) => [c.cell.slice(0, 3), c.demand])).toEqual([['881', 5], ['882', 3]]);
  });

  it('keeps the last hour of KPI minutes in order', () => {
    const view = new AnalyticsView();
    for (let i = KPI_MINUTES_KEPT + 5; i > 0; i--) view.applyKpis(minute(i * 60_000));
    const { kpis } = view.state();
    expect(kpis).toHaveLength(KPI_MINUTES_KEPT);
    expect(kpis[0]!.windowStart).toBe(6 * 60_000);
    expect(kpis.at(-1)!.windowStart).toBe((KPI_MINUTES_KEPT + 5) * 60_000);
  });

  it('keeps the last hour of marketplace minutes in order, a minute written again replacing itself', () => {
    const view = new AnalyticsView();
    for (let i = 1; i <= KPI_MINUTES_KEPT + 5; i++) view.applyMarketplace(market(i * 60_000));
    view.applyMarketplace(market(10 * 60_000, 42));
    const { marketplace, kpis } = view.state();
    expect(kpis).toEqual([]);
    expect(marketplace).toHaveLength(KPI_MINUTES_KEPT);
    expect(marketplace[0]!.windowStart).toBe(6 * 60_000);
    expect(marketplace.find((m) => m.windowStart === 10 * 60_000)!.assigned).toBe(42);
    expect(view.takeChanged()).not.toBeNull();
  });

  it('reports a change once', () => {
    const view = new AnalyticsView();
    expect(view.takeChanged()).toBeNull();
    view.applyKpis(minute(0));
    expect(view.takeChanged()?.kpis).toHaveLength(1);
    expect(view.takeChanged()).toBeNull();
  });
});
