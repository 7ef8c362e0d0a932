import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { screenPanel, type ScreenPanel } from '../../lib/embed-panels';
import type { AuditLog } from '../audit';
import type { GatewayMetrics } from '../metrics';
import { pagePolicy } from '../security-headers';
import { addressOf, type AccessControl } from './access-control';
import { tokenReason } from './grants';
import { screenCookie, screenTokenFrom, withoutToken } from './screen-cookie';
import { html, redirect } from './http';
import { refusalPage } from './login-page';

export interface PageGateDeps {
  readonly access: AccessControl;
  /** Development build: React's dev runtime needs eval. */
  readonly dev: boolean;
  readonly audit: AuditLog;
  readonly metrics: GatewayMetrics;
}

/**
 * The gate in front of every page: who may load it, and its Content-Security-Policy (a fresh
 * script nonce, and which origins may frame it). Returns false when the page may be served (or
 * is not a page: assets and the socket check their own), true when it has answered instead.
 */
export async function gate(d: PageGateDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  // Scripts, styles and icons hold no data; the socket checks its own handshake.
  if (path.startsWith('/_next/') || /^\/[\w.-]+\.(?:svg|ico|png|txt)$/.test(path) || path.startsWith('/socket.io')) return false;
  const panel = screenPanel(path);
  const addressToken = panel ? url.searchParams.get('token') : null;
  if (panel && addressToken !== null) return handOver(d, req, res, url, panel, addressToken);
  const screenToken = panel ? screenTokenFrom(req.headers.cookie, panel) : null;
  const who = await d.access.identify(req.headers.cookie, screenToken);
  if (!who.ok) {
    d.metrics.authOutcomes.inc({ kind: screenToken ? 'page-screen' : 'page', outcome: who.reason });
    if (screenToken) {
      refuseScreen(d, req, res, path, who.reason);
      return true;
    }
    const error = who.reason === 'expired' || who.reason === 'signed-out' ? `&error=${who.reason}` : '';
    redirect(res, `/login?next=${encodeURIComponent(withoutToken(url))}${error}`);
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
  const frameAncestors = ["'self'", ...(p.role === 'embed' && path.startsWith('/embed/') ? who.frameOrigins : [])];
  const policy = pagePolicy({ nonce: randomBytes(16).toString('base64'), frameAncestors, dev: d.dev });
  res.setHeader('content-security-policy', policy);
  // Next.js takes the nonce from the request's policy and writes it on every script of the page.
  req.headers['content-security-policy'] = policy;
  return false;
}

/**
 * A wall or embed address with its grant token: the token is exchanged once for a short-lived
 * screen cookie and the page sent on to the same address without it, so that the token stays
 * out of the address bar, history, logs, `next=` and Referer. The page renews the cookie
 * (`POST /auth/screen`) while the grant lasts.
 */
async function handOver(d: PageGateDeps, req: IncomingMessage, res: ServerResponse, url: URL, panel: ScreenPanel, token: string): Promise<true> {
  const screen = await d.access.grants.exchange(token, panel);
  d.metrics.authOutcomes.inc({ kind: 'page-token', outcome: screen.ok ? 'ok' : screen.reason });
  if (screen.ok) {
    d.audit.record({ actor: `token:${screen.grant.label}`, action: 'screen-open', target: url.pathname, outcome: 'ok', from: addressOf(req), detail: `grant ${screen.grant.grantId}` });
    redirect(res, withoutToken(url), [screenCookie(panel, screen.token, screen.expiresAt, d.access.settings.secureCookies)]);
  } else if (screen.reason === 'panel') {
    html(res, 403, refusalPage('Not on this token', `This token shows ${screen.panels.join(', ')} only.`));
  } else {
    refuseScreen(d, req, res, url.pathname, screen.reason);
  }
  return true;
}

/**
 * A screen whose token or cookie is refused: why, across the page. The cookie is kept until
 * it runs out, so that a reload keeps saying why (revoked, expired) instead of asking to sign in.
 */
function refuseScreen(d: PageGateDeps, req: IncomingMessage, res: ServerResponse, path: string, reason: Parameters<typeof tokenReason>[0]): void {
  d.audit.record({ actor: 'token', action: 'token-refused', target: path, outcome: 'denied', from: addressOf(req), detail: reason });
  html(res, 401, refusalPage('This screen cannot be shown', tokenReason(reason)));
}

/**
 * A path on this site to go to after signing in; anything else becomes "/". Printable ASCII
 * only: a header value must not carry other characters (Node throws on them), and look-alikes
 * such as "∕∕evil.example" or a CR/LF must never reach a Location header.
 */
export function safeNext(next: string | null): string {
  return next && next.length <= 500 && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/auth/') ? next : '/';
}
