import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenPanel } from '../../lib/access';
import { isEmbedPanel } from '../../lib/embed-panels';
import type { AuditLog } from '../audit';
import type { GatewayMetrics } from '../metrics';
import { addressOf, type AccessControl } from './access-control';
import { tokenReason } from './grants';
import { html, redirect } from './http';
import { refusalPage } from './login-page';

export interface PageGateDeps {
  readonly access: AccessControl;
  readonly audit: AuditLog;
  readonly metrics: GatewayMetrics;
}

/**
 * The gate in front of every page: who may load it, and which origins may frame it (CSP
 * frame-ancestors). Returns false when the page may be served (or is not a page: assets and the
 * socket check their own), true when it has answered instead.
 */
export async function gate(d: PageGateDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  // Scripts, styles and icons hold no data; the socket checks its own handshake.
  if (path.startsWith('/_next/') || /^\/[\w.-]+\.(?:svg|ico|png|txt)$/.test(path) || path.startsWith('/socket.io')) return false;
  const panel = screenPanel(path);
  const token = panel ? url.searchParams.get('token') : null;
  const who = await d.access.identify(req.headers.cookie, token);
  if (!who.ok) {
    d.metrics.authOutcomes.inc({ kind: token ? 'page-token' : 'page', outcome: who.reason });
    if (token) {
      d.audit.record({ actor: 'token', action: 'token-refused', target: path, outcome: 'denied', from: addressOf(req), detail: who.reason });
      html(res, 401, refusalPage('This screen cannot be shown', tokenReason(who.reason)));
      return true;
    }
    const error = who.reason === 'expired' || who.reason === 'signed-out' ? `&error=${who.reason}` : '';
    redirect(res, `/login?next=${encodeURIComponent(path + url.search)}${error}`);
    return true;
  }
  const p = who.principal;
  if (p.kind === 'token' && (!panel || !p.panels!.includes(panel))) {
    html(res, 403, refusalPage('Not on this token', `This token shows ${p.panels!.join(', ')} only.`));
    return true;
  }
  if (path.startsWith('/admin') && p.role !== 'admin') {
    html(res, 403, refusalPage('Admins only', `Signed in as ${p.name} (${p.role}).`));
    return true;
  }
  const ancestors = ["'self'", ...(p.role === 'embed' && path.startsWith('/embed/') ? who.frameOrigins : [])].join(' ');
  res.setHeader('content-security-policy', `frame-ancestors ${ancestors}`);
  return false;
}

/** The panel a screen path shows, for the paths a token may open. */
function screenPanel(path: string): TokenPanel | null {
  if (path === '/wall') return 'wall';
  const m = /^\/embed\/([a-z]+)$/.exec(path);
  return m && isEmbedPanel(m[1]!) ? m[1]! : null;
}

/**
 * A path on this site to go to after signing in; anything else becomes "/". Printable ASCII
 * only: a header value must not carry other characters (Node throws on them), and look-alikes
 * such as "∕∕evil.example" or a CR/LF must never reach a Location header.
 */
export function safeNext(next: string | null): string {
  return next && next.length <= 500 && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/auth/') ? next : '/';
}
