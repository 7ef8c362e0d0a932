import type { AnalyticsState } from '../lib/protocol';
import type { MarketplaceKpis } from '../lib/schemas/marketplace-kpis';
import type { OpsKpis } from '../lib/schemas/ops-kpis';
import type { SurgeCell } from '../lib/schemas/surge-cell';

/** How many minutes of KPIs the gateway keeps and sends. */
export const KPI_MINUTES_KEPT = 60;
/** Surge windows kept for the map's time scrubber (five minutes at the default 10 s slide). */
export const SURGE_WINDOWS_KEPT = 30;

/**
 * The latest surge window per H3 cell and the latest KPI minutes, as committed by Flink. The
 * surge map a screen shows is the newest window: a cell missing from it had neither demand
 * nor idle supply then (1.0x), so older windows' cells are not shown.
 */
export class AnalyticsView {
  private readonly cells = new Map<string, SurgeCell>();
  private readonly minutes = new Map<number, OpsKpis>();
  private readonly marketMinutes = new Map<number, MarketplaceKpis>();
  /** Recent windows, by window end: every cell Flink committed for it. */
  private readonly windows = new Map<number, Map<string, SurgeCell>>();
  private newestWindowEnd: number | null = null;
  private changed = false;

  applySurge(cell: SurgeCell): void {
    this.remember(cell);
    const known = this.cells.get(cell.cell);
    // Replays and re-reads never move a cell back in time.
    if (known && known.windowEnd >= cell.windowEnd) return;
    this.cells.set(cell.cell, cell);
    if (this.newestWindowEnd === null || cell.windowEnd > this.newestWindowEnd) this.newestWindowEnd = cell.windowEnd;
    this.changed = true;
  }

  applyKpis(minute: OpsKpis): void {
    keepMinute(this.minutes, minute);
    this.changed = true;
  }

  applyMarketplace(minute: MarketplaceKpis): void {
    keepMinute(this.marketMinutes, minute);
    this.changed = true;
  }

  /** Every cell of one recent window, or null when it is not (or no longer) kept. */
  surgeAt(windowEnd: number): SurgeCell[] | null {
    const cells = this.windows.get(windowEnd);
    return cells ? [...cells.values()] : null;
  }

  private remember(cell: SurgeCell): void {
    let cells = this.windows.get(cell.windowEnd);
    if (!cells) {
      if (this.windows.size >= SURGE_WINDOWS_KEPT && cell.windowEnd < Math.min(...this.windows.keys())) return;
      cells = new Map();
      this.windows.set(cell.windowEnd, cells);
      if (this.windows.size > SURGE_WINDOWS_KEPT) this.windows.delete(Math.min(...this.windows.keys()));
    }
    cells.set(cell.cell, cell);
  }

  state(): AnalyticsState {
    const end = this.newestWindowEnd;
    return {
      surge: {
        windowEnd: end,
        cells: end === null ? [] : [...this.cells.values()].filter((c) => c.windowEnd === end),
        windowEnds: [...this.windows.keys()].sort((a, b) => a - b),
      },
      kpis: [...this.minutes.values()].sort((a, b) => a.windowStart - b.windowStart),
      marketplace: [...this.marketMinutes.values()].sort((a, b) => a.windowStart - b.windowStart),
    };
  }

  /** The state if anything changed since the last call, else null. */
  takeChanged(): AnalyticsState | null {
    if (!this.changed) return null;
    this.changed = false;
    return this.state();
  }
}

/** The newest KPI_MINUTES_KEPT minutes: a minute written again (a replay) replaces itself. */
function keepMinute<M extends { readonly windowStart: number }>(minutes: Map<number, M>, minute: M): void {
  minutes.set(minute.windowStart, minute);
  if (minutes.size > KPI_MINUTES_KEPT) minutes.delete(Math.min(...minutes.keys()));
}
