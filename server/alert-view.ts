import { applyAction, initialTriage, rejection, type ActionOutcome, type TriageState } from '../lib/alert-workflow';
import { ALERTS_KEPT, trimOldest, type AlertRecord } from '../lib/protocol';
import type { AlertAction, AlertActionRequest } from '../lib/schemas/alert-action';
import type { FraudAlert } from '../lib/schemas/fraud-alert';

/**
 * Fraud alerts with their triage state, built from fraud.alerts and alert-actions. An action
 * can arrive before its alert (two topics, no order between them); it waits until the alert
 * does. Bounded: the newest `keep` alerts, and actions waiting for at most as many alerts.
 */
export class AlertView {
  constructor(private readonly keep = ALERTS_KEPT) {}

  private readonly alerts = new Map<string, { alert: FraudAlert; triage: TriageState }>();
  private readonly waiting = new Map<string, AlertAction[]>();
  private readonly changed = new Set<string>();

  get size(): number {
    return this.alerts.size;
  }

  addAlert(alert: FraudAlert): void {
    const existing = this.alerts.get(alert.alertId);
    this.alerts.set(alert.alertId, { alert, triage: existing?.triage ?? initialTriage });
    this.changed.add(alert.alertId);
    trimOldest(this.alerts, this.keep);
    const waiting = this.waiting.get(alert.alertId);
    if (waiting) {
      this.waiting.delete(alert.alertId);
      for (const action of waiting) this.applyAction(action);
    }
  }

  applyAction(action: AlertAction): ActionOutcome | { kind: 'waiting' } {
    const entry = this.alerts.get(action.alertId);
    if (!entry) {
      this.waiting.set(action.alertId, [...(this.waiting.get(action.alertId) ?? []), action]);
      // Actions on alerts that left the view (or never come) must not pile up.
      trimOldest(this.waiting, this.keep);
      return { kind: 'waiting' };
    }
    const outcome = applyAction(entry.triage, action);
    if (outcome.kind === 'applied') {
      entry.triage = outcome.state;
      this.changed.add(action.alertId);
    }
    return outcome;
  }

  /** Why a request would be refused now (unknown alert, wrong state), or null. */
  check(request: AlertActionRequest): string | null {
    const entry = this.alerts.get(request.alertId);
    if (!entry) return `no alert ${request.alertId}`;
    if (entry.triage.appliedActionIds.includes(request.actionId)) return null;
    return rejection(entry.triage, request);
  }

  snapshot(): AlertRecord[] {
    return [...this.alerts.values()].map(toRecord);
  }

  takeChanged(): AlertRecord[] {
    // An alert that changed and then left the view (trimmed) has nothing left to send.
    const records = [...this.changed].flatMap((id) => {
      const entry = this.alerts.get(id);
      return entry ? [toRecord(entry)] : [];
    });
    this.changed.clear();
    return records;
  }
}

function toRecord({ alert, triage }: { alert: FraudAlert; triage: TriageState }): AlertRecord {
  const { appliedActionIds: _internal, ...visible } = triage;
  return { alert, triage: visible };
}
