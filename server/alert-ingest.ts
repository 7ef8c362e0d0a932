import type { Logger } from 'pino';
import { AlertAction } from '../lib/schemas/alert-action';
import { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
import type { AlertView } from './alert-view';
import { parseRecord, ReplayedStream, type Handled, type IngestBase, type StreamRecord } from './replayed-stream';

export interface AlertIngestStats {
  alerts: number;
  actions: number;
  invalid: number;
}

/**
 * Reads fraud.alerts and alert-actions from the beginning into the alert view, on every
 * gateway: the topics are the shared truth, so every instance shows the same triage state and
 * a restarted one rebuilds it. fraud.alerts is written exactly-once (transactions): it is read
 * committed (kafkajs's default), so aborted alerts never show.
 */
export class AlertIngest {
  private readonly counts = { alerts: 0, actions: 0 };
  readonly stream: ReplayedStream;

  private readonly view: AlertView;
  private readonly log: Logger;

  constructor({ kafka, groupId, view, log, count }: IngestBase & { readonly view: AlertView }) {
    this.view = view;
    this.log = log;
    this.stream = new ReplayedStream({ kafka, name: 'alerts', groupId, topics: [topics.fraudAlerts.name, topics.alertActions.name], handle: (r) => this.handle(r), log, count, maxWaitTimeInMs: 50 });
  }

  get stats(): AlertIngestStats {
    return { ...this.counts, invalid: this.stream.stats.invalid };
  }

  get catchUpProgress(): { partitionsDone: number; partitions: number } | null {
    return this.stream.health.catchUp;
  }

  get ready(): boolean {
    return this.stream.ready;
  }

  start(): Promise<void> {
    return this.stream.start();
  }

  stop(): Promise<void> {
    return this.stream.stop();
  }

  private handle({ topic, message }: StreamRecord): Handled {
    if (topic === topics.fraudAlerts.name) {
      const alert = parseRecord(FraudAlert, message);
      if (!alert.ok) return { invalid: alert.invalid };
      this.counts.alerts++;
      this.view.addAlert(alert.value);
      return 'applied';
    }
    // Actions are history: a tombstone on one is not an instruction to forget it.
    if (message.value === null) return { invalid: 'a tombstone on an alert action: ignored' };
    const action = parseRecord(AlertAction, message);
    if (!action.ok) return { invalid: action.invalid };
    this.counts.actions++;
    const outcome = this.view.applyAction(action.value);
    // Two gateways can accept conflicting actions at once; the topic's order decides and
    // every gateway rejects the same loser.
    if (outcome.kind === 'rejected') this.log.info({ actionId: action.value.actionId, alertId: action.value.alertId, reason: outcome.reason }, 'alert action lost a race');
    return outcome.kind;
  }
}
