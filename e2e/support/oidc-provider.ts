import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import type { Role } from '../../lib/access';

/**
 * A real OpenID Connect provider for the browser journeys (the `oidc-provider` package, with its
 * development login and consent pages): any password signs in; the role claim comes from the
 * people below, as a company's identity provider would assert it.
 */
export const oidcPeople: Record<string, Role> = {
  asha: 'fraud-analyst',
  ravi: 'fraud-analyst',
  omar: 'ops',
  vera: 'viewer',
};

export const OIDC_CLIENT = { id: 'streamwatch-e2e', secret: 'streamwatch-e2e-client-secret' };

export interface OidcProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

export async function startOidcProvider(port: number, redirectUri: string): Promise<OidcProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: OIDC_CLIENT.id, client_secret: OIDC_CLIENT.secret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'streamwatch_role'] },
    // Our gateway reads the role from the ID token, as it would from most providers.
    conformIdTokenClaims: false,
    cookies: { keys: ['e2e-cookie-key-0123456789abcdef'] },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, preferred_username: sub, streamwatch_role: oidcPeople[sub] ?? 'nobody' };
        },
      };
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(port, '127.0.0.1', () => resolve(s));
  });
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
