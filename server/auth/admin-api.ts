import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Principal } from '../../lib/access';
import type { AuditLog } from '../audit';
import type { GatewayMetrics } from '../metrics';
import { addressOf, type AccessControl } from './access-control';
import { json } from './http';

export interface AdminApiDeps {
  readonly access: AccessControl;
  readonly audit: AuditLog;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * The signed-in admin behind an admin API request, or null once the request has been answered:
 * 401 without a session, 403 for a change that is not JSON from an allowed origin (a cross-site
 * form cannot send application/json without CORS), 403 for any other role (counted, audited).
 */
export async function adminOf(d: AdminApiDeps, req: IncomingMessage, res: ServerResponse, what: string): Promise<Principal | null> {
  const who = await d.access.identify(req.headers.cookie, null);
  if (!who.ok) {
    json(res, 401, { error: 'sign in first' });
    return null;
  }
  if (req.method !== 'GET' && (!req.headers['content-type']?.startsWith('application/json') || !d.access.originAllowed(req.headers.origin))) {
    json(res, 403, { error: 'requests must be JSON from an allowed origin' });
    return null;
  }
  if (who.principal.role !== 'admin') {
    d.metrics.accessDenied.inc({ what });
    d.audit.record({ actor: who.principal, action: 'access-denied', target: what, outcome: 'denied', from: addressOf(req) });
    json(res, 403, { error: `role ${who.principal.role} may not ${what.replace(':', ' ')}` });
    return null;
  }
  return who.principal;
}

/**
 * Runs a write to Kafka for an admin change; when Kafka cannot take it, answers 503 with the
 * reason (nothing changed) and returns false.
 */
export async function written(d: AdminApiDeps, res: ServerResponse, what: string, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    d.log.error({ err, what }, `could not write ${what} to Kafka`);
    json(res, 503, { error: `${what} could not be written to Kafka, so nothing changed; try again when Kafka is back (${(err as Error).message})` });
    return false;
  }
}
