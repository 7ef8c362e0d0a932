import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayMetrics } from '../metrics';
import type { AccessControl } from './access-control';
import { asScreenPanel } from '../../lib/embed-panels';
import { tokenReason } from './grants';
import { json, sameOrigin } from './http';
import { screenCookie, screenTokenFrom } from './screen-cookie';

export interface ScreenRouteDeps {
  readonly access: AccessControl;
  readonly publicUrl: string;
  readonly metrics: GatewayMetrics;
}

/**
 * POST /auth/screen?panel=<panel>: a wall or embed page renews its screen cookie, from its own
 * origin, while its grant lasts and is not revoked. Answers with how long the new cookie is
 * valid, so that the page knows when to come back, or why it was refused.
 */
export async function renewScreen(d: ScreenRouteDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
  const panel = asScreenPanel(url.searchParams.get('panel'));
  if (!panel) return json(res, 400, { error: 'panel must be wall or an embeddable panel' });
  if (!sameOrigin(req, d.publicUrl)) {
    d.metrics.authOutcomes.inc({ kind: 'screen-renew', outcome: 'cross-site' });
    return json(res, 403, { error: 'Screen cookies are renewed from this site’s own pages only.' });
  }
  const token = screenTokenFrom(req.headers.cookie, panel);
  const renewed = token ? await d.access.grants.exchange(token, panel) : ({ ok: false, reason: 'none' } as const);
  d.metrics.authOutcomes.inc({ kind: 'screen-renew', outcome: renewed.ok ? 'ok' : renewed.reason });
  if (!renewed.ok) {
    // A cookie for a panel its grant does not show is no one's: as good as unknown.
    const reason = renewed.reason === 'panel' ? 'unknown' : renewed.reason;
    return json(res, 401, { reason, error: reason === 'none' ? 'No screen cookie: open the screen’s address again.' : tokenReason(reason) });
  }
  res.setHeader('set-cookie', screenCookie(panel, renewed.token, renewed.expiresAt, d.access.settings.secureCookies));
  // How long it is valid for, as well as until when: the page's clock need not agree with ours.
  json(res, 200, { expiresAt: renewed.expiresAt, validForMs: renewed.expiresAt - Date.now() });
}
