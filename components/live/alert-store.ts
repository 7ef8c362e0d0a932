import { applyAction } from '../../lib/alert-workflow';
import { ALERTS_KEPT, trimOldest, type AlertRecord } from '../../lib/protocol';
import type { AlertActionRequest } from '../../lib/schemas/alert-action';
import type { ConnectionState } from './driver-store';
import type { LiveSocket } from './socket-connection';

export interface AlertFrame {
  readonly version: number;
  /** Every alert, triage as the gateway has it, or as an action in flight will make it. */
  readonly records: readonly AlertRecord[];
  /** Alert ids with an action sent but not yet confirmed by the gateway. */
  readonly pending: ReadonlySet<string>;
  /** The last refused action, for the screen to say why it was rolled back. */
  readonly refused: { readonly alertId: string; readonly reason: string; readonly at: number } | null;
  readonly connection: ConnectionState;
  readonly loaded: boolean;
  /** Client clock when the gateway last sent alerts (ms), 0 before any. */
  readonly receivedAt: number;
}

type Schedule = (callback: () => void) => void;

/**
 * Fraud alerts and their triage, outside React. An action shows at once (optimistic), is
 * confirmed when the gateway's update arrives, and rolled back, with the reason, if refused.
 */
export class AlertStore {
  private readonly confirmed = new Map<string, AlertRecord>();
  /** Optimistic triage per alert, until the gateway answers. */
  private readonly optimistic = new Map<string, AlertRecord['triage']>();
  private readonly listeners = new Set<() => void>();
  private refused: AlertFrame['refused'] = null;
  private connection: ConnectionState = 'connecting';
  private loaded = false;
  private receivedAt = 0;
  private version = 0;
  private frame: AlertFrame | null = null;
  private scheduled = false;

  constructor(
    private readonly socket: LiveSocket,
    private readonly schedule: Schedule = (cb) => requestAnimationFrame(cb),
    private readonly now: () => number = () => Date.now(),
  ) {
    const subscribe = (): void => {
      this.connection = 'live';
      socket.emit('alerts:subscribe');
      this.changed();
    };
    socket.on('connect', subscribe);
    socket.on('disconnect', () => {
      this.connection = 'reconnecting';
      this.changed();
    });
    socket.on('alerts:snapshot', (all) => {
      this.confirmed.clear();
      for (const r of all) this.confirmed.set(r.alert.alertId, r);
      this.loaded = true;
      this.received();
    });
    socket.on('alerts:update', (changed) => {
      for (const r of changed) this.confirmed.set(r.alert.alertId, r);
      trimOldest(this.confirmed, ALERTS_KEPT);
      this.received();
    });
    if (socket.connected) subscribe();
  }

  /**
   * Sends a triage action as `by` (the name shown until the gateway's own record arrives).
   * Resolves with the reason when the gateway refuses it, null when it took it.
   */
  act(request: AlertActionRequest, by: string): Promise<string | null> {
    const base = this.optimistic.get(request.alertId) ?? this.confirmed.get(request.alertId)?.triage;
    if (!base) return Promise.resolve('no such alert');
    // Clients never see applied action ids; each action here carries a fresh one.
    const outcome = applyAction({ ...base, appliedActionIds: [] }, { ...request, by, at: this.now() });
    if (outcome.kind === 'rejected') return Promise.resolve(this.refuse(request.alertId, outcome.reason));
    if (outcome.kind === 'applied') this.optimistic.set(request.alertId, outcome.state);
    this.changed();
    return new Promise((resolve) => {
      this.socket.timeout(10_000).emit('alerts:action', request, (err, result) => {
        this.optimistic.delete(request.alertId);
        if (err) resolve(this.refuse(request.alertId, 'the gateway did not answer in time'));
        else if (!result.ok) resolve(this.refuse(request.alertId, result.reason));
        else {
          this.changed();
          resolve(null);
        }
      });
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): AlertFrame => {
    this.frame ??= this.build();
    return this.frame;
  };

  private refuse(alertId: string, reason: string): string {
    this.refused = { alertId, reason, at: this.now() };
    this.changed();
    return reason;
  }

  private received(): void {
    this.receivedAt = this.now();
    this.changed();
  }

  private build(): AlertFrame {
    const records = [...this.confirmed.values()].map((r) => {
      const triage = this.optimistic.get(r.alert.alertId);
      return triage ? { ...r, triage } : r;
    });
    return {
      version: this.version,
      records,
      pending: new Set(this.optimistic.keys()),
      refused: this.refused,
      connection: this.connection,
      loaded: this.loaded,
      receivedAt: this.receivedAt,
    };
  }

  /** Listeners hear of changes at most once per frame, however many messages arrived. */
  private changed(): void {
    this.version++;
    this.frame = null;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    });
  }
}
