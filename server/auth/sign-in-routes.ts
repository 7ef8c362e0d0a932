import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse, serialize } from 'cookie';
import { jwtVerify, SignJWT } from 'jose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Principal } from '../../lib/access';
import type { AuditLog } from '../audit';
import type { GatewayMetrics } from '../metrics';
import { addressOf, type AccessControl } from './access-control';
import { answered, html, json, readBody, redirect, sameOrigin } from './http';
import { loginPage, refusalPage } from './login-page';
import { safeNext } from './page-gate';
import type { SignInMethod } from './sessions';

const OIDC_COOKIE = 'sw_oidc';
const Login = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(256), next: z.string().optional() });

export interface SignInDeps {
  readonly access: AccessControl;
  readonly audit: AuditLog;
  readonly publicUrl: string;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/**
 * The sign-in page, sign-in with a password or single sign-on, sign-out, and who am I. Sign-in
 * and sign-out are accepted from this site's own pages only (login CSRF). Returns false for
 * other paths.
 */
export function signInRoutes(d: SignInDeps) {
  const { access } = d;

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
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
    if (path === '/auth/logout' && req.method === 'POST') return answered(logout(req, res));
    if (path === '/auth/oidc/start' && req.method === 'GET') return answered(oidcStart(url, res));
    if (path === '/auth/oidc/callback' && req.method === 'GET') return answered(oidcCallback(req, url, res));
    if (path === '/auth/me' && req.method === 'GET') {
      const who = await access.identify(req.headers.cookie, null);
      json(res, who.ok ? 200 : 401, who.ok ? publicPrincipal(who.principal) : { error: who.reason });
      return true;
    }
    return false;
  }

  /** A new session cookie for someone who has just proved who they are. */
  async function begin(user: { name: string; role: Principal['role'] }, via: SignInMethod): Promise<string> {
    return (await access.sessions.cookieFor(user, via)).cookie;
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
    redirect(res, next, [await begin(user, 'password')]);
  }

  async function logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = await access.identify(req.headers.cookie, null);
    if (who.ok) {
      d.audit.record({ actor: who.principal, action: 'sign-out', target: null, outcome: 'ok', from: addressOf(req) });
      // Ended on every gateway: a copy of the cookie is worth nothing from now on. Should Kafka
      // be out of reach, this gateway still refuses the session, and the log says so.
      await access.endSession(who.principal, who.principal.name).catch((err: unknown) => {
        d.metrics.authOutcomes.inc({ kind: 'sign-out', outcome: 'not-shared' });
        d.log.error({ err, user: who.principal.name }, 'signed out on this gateway only: the sign-out could not be written to governance.sessions');
      });
    }
    redirect(res, '/login?error=signed-out', [access.sessions.clearCookie()]);
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
      redirect(res, safeNext(pending.next), [clear, await begin(user, 'sso')]);
    } catch (err) {
      d.metrics.authOutcomes.inc({ kind: 'sign-in', outcome: 'oidc-failed' });
      d.audit.record({ actor: 'unknown', action: 'sign-in-refused', target: null, outcome: 'failed', from, detail: `single sign-on: ${(err as Error).message}`.slice(0, 500) });
      d.log.warn({ err, from }, 'single sign-on failed');
      redirect(res, '/login?error=oidc-failed', [clear]);
    }
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
  return { kind: 'user', name: user.name, role: user.role, panels: null, expiresAt: 0, grantId: null, session: null };
}
