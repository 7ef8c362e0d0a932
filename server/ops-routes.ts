import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  ready(): boolean;
  details(): Record<string, unknown>;
}

/**
 * /healthz (the process answers), /readyz (the views are caught up) and /metrics (Prometheus);
 * false when the request is not for one of these. /healthz and /readyz's status code answer
 * anyone (load balancers probe them); /metrics and /readyz's details name consumer groups,
 * sign-in outcomes and sizes, so they need the ops token, or without one a loopback client.
 */
export function handleOps(req: IncomingMessage, res: ServerResponse, source: HealthSource, registry: Registry, opsToken: string | null = null): boolean {
  const path = req.url?.split('?')[0];
  if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') return false;
  const trusted = opsAllowed(req, opsToken);
  if (path === '/metrics' && !trusted) {
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
    res.end('/metrics needs the ops token (Authorization: Bearer $OPS_TOKEN), or a loopback client when none is set.\n');
    return true;
  }
  if (path === '/metrics') {
    registry
      .metrics()
      .then((body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      })
      .catch(() => res.writeHead(500).end());
    return true;
  }
  if (path === '/healthz') {
    send(res, 200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz') {
    const ready = source.ready();
    send(res, ready ? 200 : 503, trusted ? { ready, ...source.details() } : { ready });
    return true;
  }
  return false;
}

/** The ops token as a bearer token; without one configured, a loopback client. */
export function opsAllowed(req: IncomingMessage, opsToken: string | null): boolean {
  if (opsToken !== null) {
    const given = Buffer.from(req.headers.authorization ?? '');
    const want = Buffer.from(`Bearer ${opsToken}`);
    return given.length === want.length && timingSafeEqual(given, want);
  }
  const from = req.socket.remoteAddress ?? '';
  return from === '127.0.0.1' || from === '::1' || from === '::ffff:127.0.0.1';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
