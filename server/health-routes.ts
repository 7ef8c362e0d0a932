import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthSource {
  ready(): boolean;
  details(): Record<string, unknown>;
}

/** /healthz (the process answers) and /readyz (the views are caught up); false if not ours. */
export function handleHealth(req: IncomingMessage, res: ServerResponse, source: HealthSource): boolean {
  const path = req.url?.split('?')[0];
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
