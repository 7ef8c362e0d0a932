import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../lib/access';
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

/** A Cookie header value holding a session for `name` as `role`, as a sign-in would set it. */
export async function sessionCookie(role: Role, name: string = role, ttlMs = 3_600_000): Promise<string> {
  const setCookie = await new Sessions(TEST_AUTH_SECRET, ttlMs, false).cookieFor({ name, role });
  return setCookie.split(';')[0]!;
}
