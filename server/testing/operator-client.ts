import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ActionResult, type AlertRecord, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';
import type { AlertActionRequest } from '../../lib/schemas/alert-action';

/**
 * A triage screen for integration tests: subscribes to alerts as the session in `cookie`, keeps every alert as
 * the gateway last sent it, and sends actions (malformed ones too, to test refusals).
 */
export function operatorClient(url: string, cookie: string) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { path: SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie } });
  const alerts = new Map<string, AlertRecord>();
  socket.on('connect', () => socket.emit('alerts:subscribe'));
  socket.on('alerts:snapshot', (all) => all.forEach((r) => alerts.set(r.alert.alertId, r)));
  socket.on('alerts:update', (changed) => changed.forEach((r) => alerts.set(r.alert.alertId, r)));
  const act = (request: AlertActionRequest | Record<string, unknown>) => new Promise<ActionResult>((resolve) => socket.emit('alerts:action', request as AlertActionRequest, resolve));
  return { socket, alerts, act };
}
