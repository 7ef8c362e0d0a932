import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessGrant } from '../../lib/schemas/access-grant';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit';
import type { GatewayMetrics } from '../metrics';
import type { AccessControl } from './access-control';
import type { NotifySinkDirectory } from '../notify-sinks';
import { grantsApi } from './grant-routes';
import { answered } from './http';
import { gate } from './page-gate';
import { renewScreen } from './screen-routes';
import { signInRoutes } from './sign-in-routes';
import { usersApi } from './user-routes';
import { notifySinksApi } from './notify-sink-routes';

export interface AuthRouteDeps {
  readonly access: AccessControl;
  readonly audit: AuditLog;
  /** Writes a grant to governance.grants (and applies it here once written). */
  readonly publishGrant: (grant: AccessGrant) => Promise<void>;
  readonly publicUrl: string;
  /** Development build (page policies allow React's dev runtime its eval). */
  readonly dev: boolean;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  /** The notification sinks /admin sets (`notify-sink-routes`). */
  readonly notifySinks: NotifySinkDirectory;
  /** The gateway's id: names the sender in a test notification. */
  readonly source: string;
}

/**
 * Everything about who may do what over HTTP, by concern: sign-in and sign-out
 * (`sign-in-routes`), screen cookie renewal (`screen-routes`), the admin APIs for tokens (`grant-routes`), users (`user-routes`) and notification sinks
 * (`notify-sink-routes`), and
 * the gate in front of every page (`page-gate`). Returns false for requests that are not its
 * business (pages it lets through, assets).
 */
export function authRoutes(d: AuthRouteDeps) {
  const signIn = signInRoutes(d);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', d.publicUrl);
    const path = url.pathname;
    if (await signIn.handle(req, res, url)) return true;
    if (path === '/api/grants' || path.startsWith('/api/grants/')) return answered(grantsApi(d, req, res, path));
    if (path === '/api/users' || path.startsWith('/api/users/')) return answered(usersApi(d, req, res, path));
    if (path === '/api/notify-sinks' || path.startsWith('/api/notify-sinks/')) return answered(notifySinksApi(d, req, res, path));
    if (path === '/auth/screen') return answered(renewScreen(d, req, res, url));
    return gate(d, req, res, url);
  }

  return { handle };
}
