import { MarketplaceKpis } from '../lib/schemas/marketplace-kpis';
import { OpsKpis } from '../lib/schemas/ops-kpis';
import { SurgeCell } from '../lib/schemas/surge-cell';
import { topics } from '../lib/topics';
import type { AnalyticsView } from './analytics-view';
import { parseRecord, ReplayedStream, type Handled, type IngestBase, type StreamRecord } from './replayed-stream';

export interface AnalyticsIngestStats {
  surgeCells: number;
  kpiMinutes: number;
  marketplaceMinutes: number;
  invalid: number;
}

/**
 * Reads surge.cells (compacted: the latest window per cell survives), ops.kpis and marketplace.kpis from the
 * beginning into the analytics view. Both are written exactly-once and read committed
 * (kafkajs's default), so a window Flink later aborted never shows. A record that does not
 * parse is logged, counted and skipped.
 */
export class AnalyticsIngest {
  private readonly counts = { surgeCells: 0, kpiMinutes: 0, marketplaceMinutes: 0 };
  readonly stream: ReplayedStream;

  private readonly view: AnalyticsView;

  constructor({ kafka, groupId, view, log, count }: IngestBase & { readonly view: AnalyticsView }) {
    this.view = view;
    this.stream = new ReplayedStream({ kafka, name: 'analytics', groupId, topics: [topics.surgeCells.name, topics.opsKpis.name, topics.marketplaceKpis.name], handle: (r) => this.handle(r), log, count });
  }

  get stats(): AnalyticsIngestStats {
    return { ...this.counts, invalid: this.stream.stats.invalid };
  }

  start(): Promise<void> {
    return this.stream.start();
  }

  stop(): Promise<void> {
    return this.stream.stop();
  }

  private handle({ topic, message }: StreamRecord): Handled {
    // A compacted topic's tombstone: nothing to show for that key.
    if (message.value === null) return 'tombstone';
    if (topic === topics.surgeCells.name) {
      const cell = parseRecord(SurgeCell, message);
      if (!cell.ok) return { invalid: cell.invalid };
      this.counts.surgeCells++;
      this.view.applySurge(cell.value);
      return 'applied';
    }
    if (topic === topics.marketplaceKpis.name) {
      const minute = parseRecord(MarketplaceKpis, message);
      if (!minute.ok) return { invalid: minute.invalid };
      this.counts.marketplaceMinutes++;
      this.view.applyMarketplace(minute.value);
      return 'applied';
    }
    const minute = parseRecord(OpsKpis, message);
    if (!minute.ok) return { invalid: minute.invalid };
    this.counts.kpiMinutes++;
    this.view.applyKpis(minute.value);
    return 'applied';
  }
}
