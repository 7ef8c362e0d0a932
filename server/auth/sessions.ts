import { parse, serialize } from 'cookie';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { roles, type Principal, type Role } from '../../lib/access';

export const SESSION_COOKIE = 'sw_session';
const AUDIENCE = 'streamwatch:session';
const Claims = z.object({ sub: z.string().min(1).max(128), role: z.enum(roles), exp: z.number() });

export type SessionCheck = { ok: true; principal: Principal } | { ok: false; reason: 'none' | 'expired' | 'invalid' };

/**
 * Signed sessions in an httpOnly, SameSite=Lax cookie: the gateway keeps no session table, so
 * any instance with the same secret accepts any session (scale-out without sticky sessions).
 */
export class Sessions {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlMs: number,
    private readonly secureCookies: boolean,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A Set-Cookie value holding a new session for `user`. */
  async cookieFor(user: { name: string; role: Role }, now = Date.now()): Promise<string> {
    const jwt = await new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'sw-session' })
      .setSubject(user.name)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor((now + this.ttlMs) / 1000))
      .sign(this.key);
    return serialize(SESSION_COOKIE, jwt, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', maxAge: Math.floor(this.ttlMs / 1000) });
  }

  clearCookie(): string {
    return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', maxAge: 0 });
  }

  async fromCookieHeader(header: string | undefined, now = Date.now()): Promise<SessionCheck> {
    const jwt = header ? parse(header)[SESSION_COOKIE] : undefined;
    if (!jwt) return { ok: false, reason: 'none' };
    try {
      const { payload } = await jwtVerify(jwt, this.key, { audience: AUDIENCE, typ: 'sw-session', currentDate: new Date(now), algorithms: ['HS256'] });
      const claims = Claims.parse(payload);
      return { ok: true, principal: { kind: 'user', name: claims.sub, role: claims.role, panels: null, expiresAt: claims.exp * 1000, grantId: null } };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
