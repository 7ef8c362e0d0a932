import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  ready(): boolean;
  details(): Record<string, unknown>;
}

/**
 * /healthz (the process answers), /readyz (the views are caught up) and /metrics (Prometheus);
 * false when the request is not for one of these.
 */
export function handleOps(req: IncomingMessage, res: ServerResponse, source: HealthSource, registry: Registry): boolean {
  const path = req.url?.split('?')[0];
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
    send(res, ready ? 200 : 503, { ready, ...source.details() });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
