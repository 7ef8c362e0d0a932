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

/** Failed sign-ins a user name may have in 15 minutes, from any addresses, before it waits. */
export const NAME_FREE_FAILURES = 10;
const NAME_MAX_WAIT_S = 300;

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
  /**
   * Per user name, whatever the address: after NAME_FREE_FAILURES failed sign-ins within 15
   * minutes, each further one doubles the wait before the next attempt (1 s, 2 s, 4 s … at most
   * 5 min), so guessing from many addresses gets slow, while the real user is never locked out
   * for longer than that.
   */
  private readonly failuresByName = new RateLimiterMemory({ points: NAME_FREE_FAILURES, duration: 15 * 60 });
  private readonly blockedNames = new RateLimiterMemory({ points: 1, duration: 1 });
  private readonly loginByAddress: RateLimiterMemory;
  private readonly connects: RateLimiterMemory;

  static async open(s: AccessSettings, onFirstAdmin: (name: string, password: string | null) => void | Promise<void>): Promise<AccessControl> {
    const secret = await loadSecret(s.authSecret, `${s.stateDir}/auth-secret`, 'AUTH_SECRET');
    const pseudonymKey = await loadSecret(s.pseudonymKey, `${s.stateDir}/pseudonym-key`, 'PSEUDONYM_KEY');
    const users = await UserStore.open(`${s.stateDir}/users.json`);
    const admin = await users.ensureAdmin(s.adminName, s.adminPassword);
    if (admin.created) await onFirstAdmin(s.adminName, admin.password);
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
    const blocked = await this.blockedNames.get(name.toLowerCase());
    if (blocked && blocked.consumedPoints > 1) return Math.max(1, Math.ceil(blocked.msBeforeNext / 1000));
    try {
      await this.loginByAddress.consume(address);
      await this.loginByUser.consume(`${address}|${name.toLowerCase()}`);
      return 0;
    } catch (rejection) {
      return Math.max(1, Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000));
    }
  }

  /** A failed sign-in for a name: past the free ones, the name waits twice as long each time. */
  async loginFailed(name: string): Promise<void> {
    const key = name.toLowerCase();
    try {
      await this.failuresByName.consume(key);
    } catch (rejection) {
      const excess = ((rejection as { consumedPoints?: number }).consumedPoints ?? NAME_FREE_FAILURES + 1) - NAME_FREE_FAILURES;
      await this.blockedNames.block(key, Math.min(NAME_MAX_WAIT_S, 2 ** (excess - 1)));
    }
  }

  /** A successful sign-in forgets the failures for that name. */
  async loginSucceeded(address: string, name: string): Promise<void> {
    const key = name.toLowerCase();
    await Promise.all([this.loginByUser.delete(`${address}|${key}`), this.failuresByName.delete(key), this.blockedNames.delete(key)]);
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
