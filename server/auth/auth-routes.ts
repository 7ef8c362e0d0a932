import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse, serialize } from 'cookie';
import { jwtVerify, SignJWT } from 'jose';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isEmbedPanel } from '../../lib/embed-panels';
import type { Principal, TokenPanel } from '../../lib/access';
import { AccessGrant, GrantRequest } from '../../lib/schemas/access-grant';
import type { AuditLog } from '../audit';
import type { GatewayMetrics } from '../metrics';
import { addressOf, type AccessControl } from './access-control';
import { tokenReason } from './grants';
import { loginPage, refusalPage } from './login-page';

const OIDC_COOKIE = 'sw_oidc';
const MAX_BODY = 16 * 1024;
const Login = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(256), next: z.string().optional() });

export interface AuthRouteDeps {
  readonly access: AccessControl;
  readonly audit: AuditLog;
  /** Writes a grant to governance.grants (and applies it here once written). */
  readonly publishGrant: (grant: AccessGrant) => Promise<void>;
  readonly publicUrl: string;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * Sign-in (password and single sign-on), sign-out, the grants API for admins, and the gate in
 * front of every page: who may load it, and which origins may frame it (CSP frame-ancestors).
 * Returns false for requests that are not its business (pages it lets through, assets).
 */
export function authRoutes(d: AuthRouteDeps) {
  const { access } = d;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', d.publicUrl);
    const path = url.pathname;
    if (path === '/login' && req.method === 'GET') {
      html(res, 200, loginPage({ next: safeNext(url.searchParams.get('next')), error: url.searchParams.get('error'), sso: access.oidc !== null }));
      return true;
    }
    if ((path === '/auth/login' || path === '/auth/logout') && req.method === 'POST' && !sameOrigin(req, d.publicUrl)) {
      // Another site's form posting here: signing a browser in as the attacker (login CSRF) or out.
      const action = path === '/auth/login' ? 'sign-in' : 'sign-out';
      d.metrics.authOutcomes.inc({ kind: action, outcome: 'cross-site' });
      d.audit.record({
        actor: 'anonymous', action: action === 'sign-in' ? 'sign-in-refused' : 'access-denied', target: path, outcome: 'denied', from: addressOf(req),
        detail: `cross-site request (origin ${req.headers.origin ?? 'none'}, sec-fetch-site ${req.headers['sec-fetch-site'] ?? 'none'})`,
      });
      html(res, 403, refusalPage('Refused', 'Sign-in and sign-out are accepted from this site’s own pages only.'));
      return true;
    }
    if (path === '/auth/login' && req.method === 'POST') return answered(login(req, res));
    if (path === '/auth/logout' && req.method === 'POST') {
      const who = await access.identify(req.headers.cookie, null);
      if (who.ok) d.audit.record({ actor: who.principal, action: 'sign-out', target: null, outcome: 'ok', from: addressOf(req) });
      redirect(res, '/login?error=signed-out', [access.sessions.clearCookie()]);
      return true;
    }
    if (path === '/auth/oidc/start' && req.method === 'GET') return answered(oidcStart(url, res));
    if (path === '/auth/oidc/callback' && req.method === 'GET') return answered(oidcCallback(req, url, res));
    if (path === '/auth/me' && req.method === 'GET') {
      const who = await access.identify(req.headers.cookie, null);
      json(res, who.ok ? 200 : 401, who.ok ? publicPrincipal(who.principal) : { error: who.reason });
      return true;
    }
    if (path === '/api/grants' || path.startsWith('/api/grants/')) return answered(grantsApi(req, res, path));
    return gate(req, res, url);
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const from = addressOf(req);
    const form = Login.safeParse(await readBody(req).catch(() => null));
    if (!form.success) return html(res, 400, loginPage({ next: '/', error: 'invalid', sso: access.oidc !== null }));
    const next = safeNext(form.data.next ?? null);
    const wait = await access.loginWait(from, form.data.name);
    if (wait > 0) {
      d.metrics.authOutcomes.inc({ kind: 'sign-in', outcome: 'rate-limited' });
      d.audit.record({ actor: form.data.name, action: 'sign-in-refused', target: null, outcome: 'denied', from, detail: 'rate limited' });
      res.writeHead(429, { 'retry-after': String(wait), 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage({ next, error: 'rate-limited', sso: access.oidc !== null }));
      return;
    }
    const user = await access.users.verify(form.data.name, form.data.password);
    if (!user) {
      await access.loginFailed(form.data.name);
      d.metrics.authOutcomes.inc({ kind: 'sign-in', outcome: 'wrong-credentials' });
      d.audit.record({ actor: form.data.name, action: 'sign-in-refused', target: null, outcome: 'denied', from, detail: 'wrong user name or password' });
      d.log.info({ user: form.data.name, from }, 'sign-in refused');
      return redirect(res, `/login?error=invalid&next=${encodeURIComponent(next)}`);
    }
    await access.loginSucceeded(from, form.data.name);
    d.metrics.authOutcomes.inc({ kind: 'sign-in', outcome: 'ok' });
    d.audit.record({ actor: userActor(user), action: 'sign-in', target: null, outcome: 'ok', from, detail: 'password' });
    d.log.info({ user: user.name, role: user.role, from }, 'signed in');
    redirect(res, next, [await access.sessions.cookieFor(user)]);
  }

  async function oidcStart(url: URL, res: ServerResponse): Promise<void> {
    if (!access.oidc) return html(res, 404, refusalPage('Not available', 'Single sign-on is not configured on this gateway.'));
    try {
      const { url: to, pending } = await access.oidc.start(safeNext(url.searchParams.get('next')));
      const jwt = await new SignJWT({ ...pending }).setProtectedHeader({ alg: 'HS256', typ: 'sw-oidc' }).setExpirationTime('10m').sign(key());
      redirect(res, to, [serialize(OIDC_COOKIE, jwt, { httpOnly: true, sameSite: 'lax', secure: access.settings.secureCookies, path: '/auth/oidc', maxAge: 600 })]);
    } catch (err) {
      d.log.error({ err }, 'single sign-on provider unavailable');
      redirect(res, '/login?error=oidc-unavailable');
    }
  }

  async function oidcCallback(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const from = addressOf(req);
    const clear = serialize(OIDC_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: access.settings.secureCookies, path: '/auth/oidc', maxAge: 0 });
    if (!access.oidc) return html(res, 404, refusalPage('Not available', 'Single sign-on is not configured on this gateway.'));
    try {
      const cookie = parse(req.headers.cookie ?? '')[OIDC_COOKIE];
      if (!cookie) throw new Error('no sign-on in progress (cookie missing or expired)');
      const { payload } = await jwtVerify(cookie, key(), { typ: 'sw-oidc', algorithms: ['HS256'] });
      const pending = z.object({ state: z.string(), nonce: z.string(), verifier: z.string(), next: z.string() }).parse(payload);
      const user = await access.oidc.finish(url, pending);
      d.metrics.authOutcomes.inc({ kind: 'sign-in', outcome: 'ok' });
      d.audit.record({ actor: userActor(user), action: 'sign-in', target: null, outcome: 'ok', from, detail: 'single sign-on' });
      d.log.info({ user: user.name, role: user.role, from }, 'signed in with single sign-on');
      redirect(res, safeNext(pending.next), [clear, await access.sessions.cookieFor(user)]);
    } catch (err) {
      d.metrics.authOutcomes.inc({ kind: 'sign-in', outcome: 'oidc-failed' });
      d.audit.record({ actor: 'unknown', action: 'sign-in-refused', target: null, outcome: 'failed', from, detail: `single sign-on: ${(err as Error).message}`.slice(0, 500) });
      d.log.warn({ err, from }, 'single sign-on failed');
      redirect(res, '/login?error=oidc-failed', [clear]);
    }
  }

  async function grantsApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const from = addressOf(req);
    const who = await access.identify(req.headers.cookie, null);
    if (!who.ok) return json(res, 401, { error: 'sign in first' });
    // JSON only, from our own pages: a cross-site form cannot send application/json without CORS.
    if (req.method !== 'GET' && (!req.headers['content-type']?.startsWith('application/json') || !access.originAllowed(req.headers.origin))) {
      return json(res, 403, { error: 'requests must be JSON from an allowed origin' });
    }
    const action = req.method === 'GET' ? null : path.endsWith('/revoke') ? 'token:revoke' : 'token:issue';
    if (who.principal.role !== 'admin') {
      d.metrics.accessDenied.inc({ what: action ?? 'token:list' });
      d.audit.record({ actor: who.principal, action: 'access-denied', target: action ?? 'token:list', outcome: 'denied', from });
      return json(res, 403, { error: `role ${who.principal.role} may not manage tokens` });
    }
    if (req.method === 'GET' && path === '/api/grants') return json(res, 200, access.grants.list());
    if (req.method === 'POST' && path === '/api/grants') {
      const body = GrantRequest.safeParse(await readBody(req).catch(() => null));
      if (!body.success) return json(res, 400, { error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      if (body.data.role === 'embed' && body.data.panels.some((p) => !isEmbedPanel(p))) return json(res, 400, { error: 'embed tokens show embeddable panels (map, kpis, alerts, pipeline)' });
      const now = Date.now();
      const grant = AccessGrant.parse({
        grantId: randomUUID(), label: body.data.label, role: body.data.role, panels: body.data.panels, origins: body.data.origins,
        issuedBy: who.principal.name, issuedAt: now, expiresAt: now + body.data.validForMs, revokedAt: null, revokedBy: null,
      });
      if (!(await published(res, grant))) return;
      const { token, expiresAt } = await access.grants.tokenFor(grant, now, 'grant');
      d.audit.record({ actor: who.principal, action: 'token-issue', target: grant.grantId, outcome: 'ok', from, detail: `${grant.role} "${grant.label}" panels ${grant.panels.join(',')}${grant.origins.length ? ` framed by ${grant.origins.join(' ')}` : ''}` });
      return json(res, 201, { grant, token, expiresAt, url: `${d.publicUrl}${screenPath(grant.panels[0]!)}?token=${token}` });
    }
    const revoke = /^\/api\/grants\/([0-9a-f-]{36})\/revoke$/.exec(path);
    if (req.method === 'POST' && revoke) {
      const grant = access.grants.get(revoke[1]!);
      if (!grant) return json(res, 404, { error: 'no such grant' });
      if (!grant.revokedAt && !(await published(res, { ...grant, revokedAt: Date.now(), revokedBy: who.principal.name }))) return;
      d.audit.record({ actor: who.principal, action: 'token-revoke', target: grant.grantId, outcome: 'ok', from, detail: `"${grant.label}"` });
      return json(res, 200, access.grants.get(grant.grantId));
    }
    json(res, 404, { error: 'no such route' });
  }

  /**
   * Writes a grant to governance.grants; when Kafka cannot take it, answers 503 with the reason
   * (nothing was issued or revoked) and returns false.
   */
  async function published(res: ServerResponse, grant: AccessGrant): Promise<boolean> {
    try {
      await d.publishGrant(grant);
      return true;
    } catch (err) {
      d.log.error({ err, grantId: grant.grantId }, 'could not write a grant to governance.grants');
      json(res, 503, { error: `the grant could not be written to Kafka, so nothing changed; try again when Kafka is back (${(err as Error).message})` });
      return false;
    }
  }

  /** Lets a page through when someone may see it, with the frame-ancestors it may be framed by. */
  async function gate(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    // Scripts, styles and icons hold no data; the socket checks its own handshake.
    if (path.startsWith('/_next/') || /^\/[\w.-]+\.(?:svg|ico|png|txt)$/.test(path) || path.startsWith('/socket.io')) return false;
    const panel = screenPanel(path);
    const token = panel ? url.searchParams.get('token') : null;
    const who = await access.identify(req.headers.cookie, token);
    if (!who.ok) {
      d.metrics.authOutcomes.inc({ kind: token ? 'page-token' : 'page', outcome: who.reason });
      if (token) {
        d.audit.record({ actor: 'token', action: 'token-refused', target: path, outcome: 'denied', from: addressOf(req), detail: who.reason });
        html(res, 401, refusalPage('This screen cannot be shown', tokenReason(who.reason)));
        return true;
      }
      redirect(res, `/login?next=${encodeURIComponent(path + url.search)}${who.reason === 'expired' ? '&error=expired' : ''}`);
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

  function key(): Uint8Array {
    return new TextEncoder().encode(access.secret);
  }

  return { handle };
}

/** What the browser may know about who it is signed in as. */
export function publicPrincipal(p: Principal) {
  return { name: p.name, role: p.role, kind: p.kind, panels: p.panels, expiresAt: p.expiresAt };
}

/** A user who has just signed in, as the audit trail names actors. */
function userActor(user: { name: string; role: Principal['role'] }): Principal {
  return { kind: 'user', name: user.name, role: user.role, panels: null, expiresAt: 0, grantId: null };
}

/** The panel a screen path shows, for the paths a token may open. */
function screenPanel(path: string): TokenPanel | null {
  if (path === '/wall') return 'wall';
  const m = /^\/embed\/([a-z]+)$/.exec(path);
  return m && isEmbedPanel(m[1]!) ? m[1]! : null;
}

function screenPath(panel: TokenPanel): string {
  return panel === 'wall' ? '/wall' : `/embed/${panel}`;
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

/** Awaits a route's answer, so that its failure reaches the server's error handler. */
async function answered(route: Promise<void>): Promise<true> {
  await route;
  return true;
}

/**
 * A path on this site to go to after signing in; anything else becomes "/". Printable ASCII
 * only: a header value must not carry other characters (Node throws on them), and look-alikes
 * such as "∕∕evil.example" or a CR/LF must never reach a Location header.
 */
export function safeNext(next: string | null): string {
  return next && next.length <= 500 && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/auth/') ? next : '/';
}

async function readBody(req: IncomingMessage): Promise<unknown> {
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

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "frame-ancestors 'self'" });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, to: string, cookies: string[] = []): void {
  res.writeHead(303, { location: to, 'cache-control': 'no-store', ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  res.end();
}
