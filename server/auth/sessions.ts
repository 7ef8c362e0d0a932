import { randomUUID } from 'node:crypto';
import { parse, serialize } from 'cookie';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { roles, type Principal, type Role } from '../../lib/access';
import type { SessionEvent } from '../../lib/schemas/session-event';

export const SESSION_COOKIE = 'sw_session';
const AUDIENCE = 'streamwatch:session';
/** How a person signed in: a local user's role is read from governance.users on every check, a single sign-on user's is the provider's. */
export const signInMethods = ['password', 'sso'] as const;
export type SignInMethod = (typeof signInMethods)[number];
const Claims = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(roles),
  exp: z.number(),
  jti: z.string().uuid(),
  /** When the session began, in ms (iat has whole seconds: a sign-out everywhere must not end a session begun later in the same second). */
  began: z.number().int().positive(),
  via: z.enum(signInMethods),
});

export type SessionRefusal = 'none' | 'expired' | 'invalid' | 'signed-out';
export type SessionCheck = { ok: true; principal: Principal } | { ok: false; reason: SessionRefusal };

/**
 * Signed sessions in an httpOnly, SameSite=Lax cookie, each with an id: any gateway with the
 * cluster's AUTH_SECRET accepts any session (no sticky sessions), and refuses those that
 * governance.sessions says have ended (see SessionEnds).
 */
export class Sessions {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlMs: number,
    private readonly secureCookies: boolean,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A Set-Cookie value holding a new session for `user`, and the session's id. */
  async cookieFor(user: { name: string; role: Role }, via: SignInMethod, now = Date.now()): Promise<{ cookie: string; sessionId: string; expiresAt: number }> {
    const sessionId = randomUUID();
    const expiresAt = Math.floor((now + this.ttlMs) / 1000) * 1000;
    const jwt = await new SignJWT({ role: user.role, began: now, via })
      .setProtectedHeader({ alg: 'HS256', typ: 'sw-session' })
      .setSubject(user.name)
      .setJti(sessionId)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(expiresAt / 1000)
      .sign(this.key);
    const cookie = serialize(SESSION_COOKIE, jwt, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', maxAge: Math.floor(this.ttlMs / 1000) });
    return { cookie, sessionId, expiresAt };
  }

  clearCookie(): string {
    return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', maxAge: 0 });
  }

  /** The session a cookie holds, by its signature and expiry alone (AccessControl checks whether it ended). */
  async fromCookieHeader(header: string | undefined, now = Date.now()): Promise<SessionCheck> {
    const jwt = header ? parse(header)[SESSION_COOKIE] : undefined;
    if (!jwt) return { ok: false, reason: 'none' };
    try {
      const { payload } = await jwtVerify(jwt, this.key, { audience: AUDIENCE, typ: 'sw-session', currentDate: new Date(now), algorithms: ['HS256'] });
      const c = Claims.parse(payload);
      return {
        ok: true,
        principal: { kind: 'user', name: c.sub, role: c.role, panels: null, expiresAt: c.exp * 1000, grantId: null, session: { id: c.jti, began: c.began, via: c.via } },
      };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/**
 * The sessions that have ended, as governance.sessions says: one session signed out, or every
 * session of a user begun before some time (signed out everywhere by an admin). Entries are
 * forgotten once the sessions they end have expired anyway, so the maps stay as small as the
 * sign-outs of one session lifetime.
 */
export class SessionEnds {
  /** Ended session id → when it would have expired. */
  private readonly ended = new Map<string, number>();
  /** User → sessions begun before this are over. */
  private readonly usersBefore = new Map<string, number>();
  /** Called after a record ended sessions, so that their sockets are cut at once. */
  onEnded: () => void = () => undefined;

  constructor(private readonly ttlMs: number) {}

  apply(event: SessionEvent, now = Date.now()): void {
    if (event.kind === 'session-ended') {
      if (event.expiresAt <= now || this.ended.has(event.sessionId)) return;
      this.ended.set(event.sessionId, event.expiresAt);
    } else {
      if (event.before + this.ttlMs <= now || (this.usersBefore.get(event.user) ?? 0) >= event.before) return;
      this.usersBefore.set(event.user, event.before);
    }
    this.onEnded();
  }

  hasEnded(session: { readonly id: string; readonly began: number }, user: string): boolean {
    return this.ended.has(session.id) || session.began < (this.usersBefore.get(user) ?? 0);
  }

  /** Forgets what can no longer matter: sign-outs of sessions that have expired by now. */
  prune(now = Date.now()): void {
    for (const [id, expiresAt] of this.ended) if (expiresAt <= now) this.ended.delete(id);
    for (const [user, before] of this.usersBefore) if (before + this.ttlMs <= now) this.usersBefore.delete(user);
  }

  get size(): number {
    return this.ended.size + this.usersBefore.size;
  }
}
