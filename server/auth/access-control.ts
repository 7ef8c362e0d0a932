import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Principal } from '../../lib/access';
import { GrantStore, type TokenRefusal } from './grants';
import { OidcSignIn, type OidcSettings } from './oidc';
import { loadSecret } from './secrets';
import { Sessions } from './sessions';
import { UserStore } from './users';

export interface AccessSettings {
  readonly stateDir: string;
  readonly authSecret: string | undefined;
  readonly pseudonymKey: string | undefined;
  readonly adminName: string;
  readonly adminPassword: string | undefined;
  readonly sessionTtlMs: number;
  readonly tokenTtlMs: number;
  readonly secureCookies: boolean;
  /** Origins whose pages may open a socket (browsers send Origin; other clients need credentials alone). */
  readonly allowedOrigins: readonly string[];
  readonly oidc: OidcSettings | null;
  readonly loginAttemptsPerMinute: number;
  readonly connectsPer10s: number;
}

export type Identified =
  | { ok: true; principal: Principal; frameOrigins: readonly string[] }
  | { ok: false; reason: 'none' | TokenRefusal };

/**
 * Everything the gateway needs to know who is asking: local users, sessions, screen tokens
 * and their grants, single sign-on, and the rate limits on sign-in and connects.
 */
export class AccessControl {
  private constructor(
    readonly settings: AccessSettings,
    readonly users: UserStore,
    readonly sessions: Sessions,
    readonly grants: GrantStore,
    readonly oidc: OidcSignIn | null,
    /** Keys rider pseudonyms; from the environment or the state directory. */
    readonly pseudonymKey: string,
    readonly secret: string,
  ) {
    this.loginByAddress = new RateLimiterMemory({ points: settings.loginAttemptsPerMinute, duration: 60 });
    this.connects = new RateLimiterMemory({ points: settings.connectsPer10s, duration: 10 });
  }

  /** Per address and user name, and per address: guessing passwords gets slow fast. */
  private readonly loginByUser = new RateLimiterMemory({ points: 5, duration: 60 });
  private readonly loginByAddress: RateLimiterMemory;
  private readonly connects: RateLimiterMemory;

  static async open(s: AccessSettings, onFirstAdmin: (name: string, password: string | null) => void): Promise<AccessControl> {
    const secret = await loadSecret(s.authSecret, `${s.stateDir}/auth-secret`, 'AUTH_SECRET');
    const pseudonymKey = await loadSecret(s.pseudonymKey, `${s.stateDir}/pseudonym-key`, 'PSEUDONYM_KEY');
    const users = await UserStore.open(`${s.stateDir}/users.json`);
    const admin = await users.ensureAdmin(s.adminName, s.adminPassword);
    if (admin.created) onFirstAdmin(s.adminName, admin.password);
    return new AccessControl(s, users, new Sessions(secret, s.sessionTtlMs, s.secureCookies), new GrantStore(secret, s.tokenTtlMs), s.oidc ? new OidcSignIn(s.oidc) : null, pseudonymKey, secret);
  }

  /** Who sent this request or handshake: a screen token if one is presented, else the session cookie. */
  async identify(cookieHeader: string | undefined, token: string | null): Promise<Identified> {
    if (token !== null) {
      const check = await this.grants.verify(token);
      return check.ok ? { ok: true, principal: check.principal, frameOrigins: check.origins } : check;
    }
    const session = await this.sessions.fromCookieHeader(cookieHeader);
    return session.ok ? { ok: true, principal: session.principal, frameOrigins: [] } : session;
  }

  originAllowed(origin: string | undefined): boolean {
    return origin === undefined || this.settings.allowedOrigins.includes(origin);
  }

  /** Seconds to wait before the next sign-in attempt from this address for this name, or 0. */
  async loginWait(address: string, name: string): Promise<number> {
    try {
      await this.loginByAddress.consume(address);
      await this.loginByUser.consume(`${address}|${name.toLowerCase()}`);
      return 0;
    } catch (rejection) {
      return Math.max(1, Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000));
    }
  }

  /** A successful sign-in forgets the failures for that name. */
  async loginSucceeded(address: string, name: string): Promise<void> {
    await this.loginByUser.delete(`${address}|${name.toLowerCase()}`);
  }

  async connectAllowed(address: string): Promise<boolean> {
    try {
      await this.connects.consume(address);
      return true;
    } catch {
      return false;
    }
  }
}

/** The client address, as the socket saw it (a proxy in front should be configured to pass it). */
export function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
