import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../lib/access';
import type { AccessPublishers } from '../auth/access-control';
import { Sessions } from '../auth/sessions';

/** The secret every gateway in the integration tests signs with, so that tests can sign in. */
export const TEST_AUTH_SECRET = 'integration-tests-auth-secret-0123456789abcdef';
export const TEST_PSEUDONYM_KEY = 'integration-tests-pseudonym-key-0123456789';

/** Gateway environment for a test: known secrets, a fresh state directory (users file). */
export function testAccessEnv(): Record<string, string> {
  return {
    AUTH_SECRET: TEST_AUTH_SECRET,
    PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    STATE_DIR: mkdtempSync(join(tmpdir(), 'streamwatch-gateway-')),
    STREAMWATCH_ADMIN_PASSWORD: 'integration-admin-password',
  };
}

/**
 * A Cookie header value holding a session for `name` as `role`, as a single sign-on would set it
 * (the provider's role holds: no local user is needed).
 */
export async function sessionCookie(role: Role, name: string = role, ttlMs = 3_600_000): Promise<string> {
  const { cookie } = await new Sessions(TEST_AUTH_SECRET, ttlMs, false).cookieFor({ name, role }, 'sso');
  return cookie.split(';')[0]!;
}

/** Publishers for an AccessControl with no Kafka behind it: every write succeeds and is kept here. */
export function memoryPublishers(): AccessPublishers & { readonly written: unknown[] } {
  const written: unknown[] = [];
  return {
    written,
    publishUser: async (name, account) => void written.push({ name, account }),
    publishSessionEvent: async (event) => void written.push(event),
  };
}
