import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { roles, type Principal } from '../../lib/access';
import type { SessionEvent } from '../../lib/schemas/session-event';
import { UserAccount } from '../../lib/schemas/user-account';
import { GrantStore, type TokenRefusal } from './grants';
import { OidcSignIn, type OidcSettings } from './oidc';
import { loadSecret } from './secrets';
import { SessionEnds, Sessions, type SessionRefusal } from './sessions';
import { UserDirectory, type PublishUser } from './users';

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
  | { ok: false; reason: SessionRefusal | TokenRefusal };

/** Where the gateway writes what every gateway must know: users, and sessions that ended. */
export interface AccessPublishers {
  readonly publishUser: PublishUser;
  readonly publishSessionEvent: (event: SessionEvent) => Promise<void>;
}

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
    readonly users: UserDirectory,
    readonly sessions: Sessions,
    readonly sessionEnds: SessionEnds,
    private readonly publishSessionEvent: (event: SessionEvent) => Promise<void>,
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

  static async open(s: AccessSettings, publishers: AccessPublishers): Promise<AccessControl> {
    const secret = await loadSecret(s.authSecret, `${s.stateDir}/auth-secret`, 'AUTH_SECRET');
    const pseudonymKey = await loadSecret(s.pseudonymKey, `${s.stateDir}/pseudonym-key`, 'PSEUDONYM_KEY');
    return new AccessControl(
      s,
      new UserDirectory(publishers.publishUser),
      new Sessions(secret, s.sessionTtlMs, s.secureCookies),
      new SessionEnds(s.sessionTtlMs),
      publishers.publishSessionEvent,
      new GrantStore(secret, s.tokenTtlMs),
      s.oidc ? new OidcSignIn(s.oidc) : null,
      pseudonymKey,
      secret,
    );
  }

  /**
   * Once governance.users has been read: a gateway that used to keep users in a file brings
   * them to the topic (once: the file is renamed), and a cluster without an admin gets its first.
   */
  async bootstrap(onFirstAdmin: (name: string, password: string | null) => void | Promise<void>): Promise<{ imported: number }> {
    const file = `${this.settings.stateDir}/users.json`;
    let imported = 0;
    const legacy = await readFile(file, 'utf8').then((text) => LegacyUsersFile.parse(JSON.parse(text)).users, (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw new Error(`${file} is not a valid users file: ${err.message}`);
    });
    if (legacy.length > 0 && this.users.size === 0) {
      for (const u of legacy) {
        await this.users.importAccount(UserAccount.parse({ ...u, updatedAt: Date.now(), updatedBy: 'import' }));
        imported++;
      }
    }
    if (legacy.length > 0) await rename(file, `${file}.imported`);
    const admin = await this.users.ensureAdmin(this.settings.adminName, this.settings.adminPassword);
    if (admin.created) await onFirstAdmin(this.settings.adminName, admin.password);
    return { imported };
  }

  /** Who sent this request or handshake: a screen token if one is presented, else the session cookie. */
  async identify(cookieHeader: string | undefined, token: string | null): Promise<Identified> {
    if (token !== null) {
      const check = await this.grants.verify(token);
      return check.ok ? { ok: true, principal: check.principal, frameOrigins: check.origins } : check;
    }
    const session = await this.sessions.fromCookieHeader(cookieHeader);
    if (!session.ok) return session;
    const current = this.current(session.principal);
    return current.ok ? { ok: true, principal: current.principal, frameOrigins: [] } : current;
  }

  /**
   * A person's principal as it stands now: refused when the session was signed out (here or on
   * any gateway) or the local user was removed; with the user's current role, which an admin
   * may have changed since the session began. Tokens are checked by GrantStore instead.
   */
  current(p: Principal): { ok: true; principal: Principal } | { ok: false; reason: SessionRefusal } {
    if (!p.session) return { ok: true, principal: p };
    if (this.sessionEnds.hasEnded(p.session, p.name)) return { ok: false, reason: 'signed-out' };
    if (p.session.via === 'sso') return { ok: true, principal: p };
    const user = this.users.get(p.name);
    if (!user) return { ok: false, reason: 'signed-out' };
    return { ok: true, principal: user.role === p.role ? p : { ...p, role: user.role } };
  }

  /** Ends one session on every gateway (written to governance.sessions, applied here at once). */
  async endSession(p: Principal, by: string): Promise<void> {
    if (!p.session) return;
    const event: SessionEvent = { kind: 'session-ended', sessionId: p.session.id, user: p.name, at: Date.now(), expiresAt: p.expiresAt, by };
    this.sessionEnds.apply(event);
    await this.publishSessionEvent(event);
  }

  /** Ends every session `user` has now, on every gateway; sessions begun afterwards are not affected. */
  async signOutEverywhere(user: string, by: string): Promise<void> {
    const event: SessionEvent = { kind: 'user-signed-out', user, before: Date.now(), by };
    await this.publishSessionEvent(event);
    this.sessionEnds.apply(event);
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

/** users.json as gateways kept it before users moved to governance.users. */
const LegacyUsersFile = z.object({ users: z.array(z.object({ name: z.string(), role: z.enum(roles), passwordHash: z.string() })) });

/** The client address, as the socket saw it (a proxy in front should be configured to pass it). */
export function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
