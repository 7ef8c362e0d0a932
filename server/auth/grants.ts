import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { tokenPanels, tokenRoles, type Principal, type TokenPanel } from '../../lib/access';
import type { AccessGrant } from '../../lib/schemas/access-grant';

const AUDIENCE = 'streamwatch:screen';
const Claims = z.object({
  sub: z.string().uuid(),
  role: z.enum(tokenRoles),
  panels: z.array(z.enum(tokenPanels)).min(1),
  origins: z.array(z.string()),
  label: z.string(),
  /** 'grant': the address an admin hands out, valid as long as the grant; 'session': short-lived, renewed over the socket. */
  use: z.enum(['grant', 'session']),
  exp: z.number(),
});

export type TokenRefusal = 'expired' | 'revoked' | 'unknown' | 'invalid';

export type TokenCheck =
  | { ok: true; principal: Principal; origins: readonly string[] }
  | { ok: false; reason: TokenRefusal };

/** How long a token whose grant this gateway has not read yet waits for it (another gateway just issued it). */
export const GRANT_ARRIVAL_WAIT_MS = 2_000;
/** Tokens waiting at once for grants; beyond this an unknown grant is refused at once (random ids cost nothing to send). */
const MAX_WAITING = 200;
/** Longer than any token a gateway signs: a longer one is refused unread. */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * Grants for walls and embeds, as governance.grants says (every gateway reads the topic),
 * and the tokens issued under them: the grant token in the address an admin hands out (valid
 * as long as the grant, so that a kiosk that reboots after a long outage comes back), and
 * short-lived session tokens the gateway renews over the socket; a socket opened with either
 * lives only as long as its session token. Every token is checked against revocation on every
 * connect and every second after.
 *
 * Fail closed: a token is good only while its grant is known here and not revoked. A validly
 * signed token whose grant this gateway never read (one tombstoned and compacted away, or one
 * issued by another gateway a moment ago) waits GRANT_ARRIVAL_WAIT_MS for the grant, then is
 * refused. A revocation is never forgotten: tombstones on the topic are ignored (see
 * GovernanceIngest), and a replayed older record never un-revokes.
 */
export class GrantStore {
  private readonly grants = new Map<string, AccessGrant>();
  /** Tokens waiting for their grant to be read, by grant id. */
  private readonly waiting = new Map<string, Set<() => void>>();
  private waitingCount = 0;
  private readonly key: Uint8Array;
  /** Called when a grant turns up revoked, so that its sockets are cut at once. */
  onRevoked: (grantId: string) => void = () => undefined;

  constructor(
    secret: string,
    /** Lifetime of one token; the wall is sent a new one before it runs out. */
    readonly tokenTtlMs: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  apply(grant: AccessGrant): void {
    const before = this.grants.get(grant.grantId);
    // The topic is the order; a stale replay of the unrevoked grant never un-revokes it.
    if (before?.revokedAt && !grant.revokedAt) return;
    this.grants.set(grant.grantId, grant);
    if (grant.revokedAt && !before?.revokedAt) this.onRevoked(grant.grantId);
    this.waiting.get(grant.grantId)?.forEach((arrived) => arrived());
  }

  /** Resolves when the grant is known, or after `ms`; false when it never came (or too many wait already). */
  private async arrival(grantId: string, ms: number): Promise<boolean> {
    if (this.grants.has(grantId)) return true;
    if (this.waitingCount >= MAX_WAITING || ms <= 0) return false;
    const waiters = this.waiting.get(grantId) ?? new Set<() => void>();
    this.waiting.set(grantId, waiters);
    this.waitingCount++;
    let done: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (done = resolve));
    const timer = setTimeout(done, ms);
    waiters.add(done);
    try {
      await arrived;
    } finally {
      clearTimeout(timer);
      waiters.delete(done);
      if (waiters.size === 0) this.waiting.delete(grantId);
      this.waitingCount--;
    }
    return this.grants.has(grantId);
  }

  /** Tokens waiting now for their grant to be read. */
  get waitingForGrants(): number {
    return this.waitingCount;
  }

  get(grantId: string): AccessGrant | undefined {
    return this.grants.get(grantId);
  }

  /** Newest first. */
  list(): AccessGrant[] {
    return [...this.grants.values()].sort((a, b) => b.issuedAt - a.issuedAt);
  }

  isRevoked(grantId: string): boolean {
    return Boolean(this.grants.get(grantId)?.revokedAt);
  }

  async tokenFor(grant: AccessGrant, now = Date.now(), use: 'grant' | 'session' = 'session'): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = use === 'grant' ? grant.expiresAt : Math.min(grant.expiresAt, now + this.tokenTtlMs);
    const token = await new SignJWT({ role: grant.role, panels: grant.panels, origins: grant.origins, label: grant.label, use })
      .setProtectedHeader({ alg: 'HS256', typ: 'sw-screen' })
      .setSubject(grant.grantId)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      // Seconds, rounded down: a token never outlives its grant.
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    return { token, expiresAt: Math.floor(expiresAt / 1000) * 1000 };
  }

  /**
   * A fresh short-lived session token for `panel` in exchange for a valid token of a known,
   * unrevoked grant that shows it (a screen's address hand-over, its cookie's renewal); else why
   * not ('panel': the grant does not show that panel).
   */
  async exchange(token: string, panel: TokenPanel, now = Date.now()): Promise<{ ok: true; grant: AccessGrant; token: string; expiresAt: number } | { ok: false; reason: TokenRefusal } | { ok: false; reason: 'panel'; panels: readonly TokenPanel[] }> {
    const check = token.length <= MAX_TOKEN_LENGTH ? await this.verify(token, now) : ({ ok: false, reason: 'invalid' } as const);
    if (!check.ok) return check;
    const grant = this.get(check.principal.grantId!);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (!grant.panels.includes(panel)) return { ok: false, reason: 'panel', panels: grant.panels };
    return { ok: true, grant, ...(await this.tokenFor(grant, now)) };
  }

  async verify(token: string, now = Date.now(), waitForGrantMs = GRANT_ARRIVAL_WAIT_MS): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, { audience: AUDIENCE, typ: 'sw-screen', currentDate: new Date(now), algorithms: ['HS256'] });
      const c = Claims.parse(payload);
      if (!(await this.arrival(c.sub, waitForGrantMs))) return { ok: false, reason: 'unknown' };
      if (this.isRevoked(c.sub)) return { ok: false, reason: 'revoked' };
      // Seconds, rounded down, as tokens carry them: never beyond the grant.
      const sessionEnd = c.use === 'grant' ? Math.min(c.exp * 1000, Math.floor((now + this.tokenTtlMs) / 1000) * 1000) : c.exp * 1000;
      return {
        ok: true,
        origins: c.origins,
        principal: { kind: 'token', name: `token:${c.label}`, role: c.role, panels: c.panels, expiresAt: sessionEnd, grantId: c.sub, session: null },
      };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/** Why a screen token is refused, as the screen shows it. */
export function tokenReason(reason: 'none' | 'signed-out' | TokenRefusal): string {
  switch (reason) {
    case 'unknown':
      return 'The grant behind this token is not known. Ask an admin for a new one.';
    case 'expired':
      return 'The token has expired. Ask an admin for a new one.';
    case 'revoked':
      return 'The token was revoked by an admin.';
    default:
      return 'The token is not valid.';
  }
}
