import type { Logger } from 'pino';
import { actions as actionNames, type Action, type Principal, type Role } from '../lib/access';
import { showAlertRecord } from '../lib/protection';
import type { ActionResult, AlertRecord } from '../lib/protocol';
import type { AlertView } from './alert-view';
import type { LiveClient, LiveServer } from './live-types';
import type { GatewayMetrics } from './metrics';
import { classRoom, emitPerClass } from './socket-rooms';
import { principalOf, type SocketAccess } from './socket-access';

export interface AlertsSocketOptions {
  readonly alerts: AlertView;
  readonly access: SocketAccess;
  /** Records a triage action for the operator `by`. */
  readonly submitAlertAction: (request: unknown, by: string) => Promise<ActionResult>;
  /** Writes an accepted or refused triage action to the audit trail. */
  readonly recordAlertAction: (who: Principal, from: string, action: string, alertId: string, result: ActionResult) => void;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/** Fraud alerts on the socket: a snapshot on subscribe, changed alerts each tick, triage actions acknowledged. */
export class AlertsSocket {
  constructor(
    private readonly io: LiveServer,
    private readonly o: AlertsSocketOptions,
  ) {}

  attach(socket: LiveClient): void {
    const role = principalOf(socket).role;
    socket.on('alerts:subscribe', () => {
      if (!this.o.access.maySubscribe(socket, 'alerts')) return;
      void socket.join(classRoom('alerts', role));
      socket.emit('alerts:snapshot', shownTo(this.o.alerts.snapshot(), role));
      this.o.metrics.messagesOut.inc({ event: 'alerts:snapshot' });
    });
    socket.on('alerts:action', (request, done) => {
      // Validated in submitAlertAction; a client that sends no callback gets nothing back.
      if (typeof done !== 'function') return;
      const type = (request as { type?: unknown } | null)?.type;
      const action = typeof type === 'string' ? `alert:${type}` : 'alert:unknown';
      const target = String((request as { alertId?: unknown } | null)?.alertId ?? '').slice(0, 128);
      if (!(actionNames as readonly string[]).includes(action)) return done({ ok: false, reason: 'unknown action type' });
      if (!this.o.access.mayAct(socket, action as Action, target)) return done({ ok: false, reason: `role ${role} may not ${type}` });
      const who = principalOf(socket);
      this.o.submitAlertAction(request, who.name).then(
        (result) => {
          this.o.recordAlertAction(who, socket.handshake.address, action, target, result);
          done(result);
        },
        (err: unknown) => {
          this.o.log.error({ err }, 'could not write an alert action');
          done({ ok: false, reason: 'the action could not be recorded; try again' });
        },
      );
    });
  }

  /** Alerts changed since the last tick, to each protection class as it may see them. */
  tick(): void {
    const changed = this.o.alerts.takeChanged();
    if (changed.length > 0) emitPerClass(this.io, this.o.metrics, 'alerts', 'alerts:update', (role) => shownTo(changed, role));
  }
}

function shownTo(records: AlertRecord[], role: Role): AlertRecord[] {
  return records.map((r) => showAlertRecord(r, role));
}
