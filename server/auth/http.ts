import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVER_PAGE_POLICY } from '../security-headers';

const MAX_BODY = 16 * 1024;

/** A form or JSON body of at most 16 KiB; throws on a larger or unparsable one. */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (req.headers['content-type']?.startsWith('application/json')) return JSON.parse(text);
  return Object.fromEntries(new URLSearchParams(text));
}

export function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': SERVER_PAGE_POLICY });
  res.end(body);
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function redirect(res: ServerResponse, to: string, cookies: string[] = []): void {
  res.writeHead(303, { location: to, 'cache-control': 'no-store', ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  res.end();
}

/** Awaits a route's answer, so that its failure reaches the server's error handler. */
export async function answered(route: Promise<void>): Promise<true> {
  await route;
  return true;
}

/**
 * Whether a state-changing request comes from this site's own pages. A browser says where a
 * request comes from in Sec-Fetch-Site (sent to https and loopback origins) or Origin (sent with
 * every cross-origin POST); a request with neither is not a browser's, so not a forgery.
 */
export function sameOrigin(req: IncomingMessage, publicUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const own = new Set([new URL(publicUrl).origin, ...(req.headers.host ? [`http://${req.headers.host}`, `https://${req.headers.host}`] : [])]);
  return own.has(origin);
}

/** Issues as one line: "path: message; …". */
export function issuesText(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
}
