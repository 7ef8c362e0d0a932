import { join } from 'node:path';

/** Where the sign-in setup leaves each person's browser state (cookies) for the journeys. */
export function signedInAs(name: string): string {
  return join('test-results', '.auth', `${name}.json`);
}

export const E2E_ADMIN = { name: 'admin', password: 'e2e-admin-password-0123' };
export const E2E_OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3199);
