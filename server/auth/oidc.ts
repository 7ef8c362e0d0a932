import * as client from 'openid-client';
import { roles, type Role } from '../../lib/access';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the provider sends the browser back: <public url>/auth/oidc/callback. */
  readonly redirectUri: string;
  /** The ID-token claim holding the Streamwatch role (a string or an array of strings). */
  readonly roleClaim: string;
  /** Role of a user whose claim names none. */
  readonly defaultRole: Role;
}

/** What the callback needs to check the answer, kept in a short-lived signed cookie. */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly next: string;
}

/**
 * OpenID Connect sign-in (authorization code + PKCE + nonce) with openid-client. Discovery
 * runs on first use and again after a failure, so a provider that is down at start does not
 * stop the gateway.
 */
export class OidcSignIn {
  private config: Promise<client.Configuration> | null = null;

  constructor(private readonly s: OidcSettings) {}

  private configuration(): Promise<client.Configuration> {
    this.config ??= client
      .discovery(new URL(this.s.issuer), this.s.clientId, this.s.clientSecret, undefined, {
        // Plain http only on loopback (a provider a test or a developer runs next to us).
        execute: isLoopbackHttp(this.s.issuer) ? [client.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        this.config = null;
        throw err;
      });
    return this.config;
  }

  async start(next: string): Promise<{ url: string; pending: PendingLogin }> {
    const config = await this.configuration();
    const pending: PendingLogin = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.s.redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** The signed-in user, from the provider's answer at `callbackUrl`; throws when it does not check out. */
  async finish(callbackUrl: URL, pending: PendingLogin): Promise<{ name: string; role: Role }> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider returned no ID token');
    const name = [claims.preferred_username, claims.email, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0)!;
    return { name: name.slice(0, 64), role: roleFromClaim(claims[this.s.roleClaim], this.s.defaultRole) };
  }
}

/** The most privileged Streamwatch role a claim names (roles are listed most privileged first). */
export function roleFromClaim(value: unknown, fallback: Role): Role {
  const named = (Array.isArray(value) ? value : [value]).filter((v): v is Role => typeof v === 'string' && (roles as readonly string[]).includes(v));
  return roles.find((r) => named.includes(r)) ?? fallback;
}

function isLoopbackHttp(issuer: string): boolean {
  const u = new URL(issuer);
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}
