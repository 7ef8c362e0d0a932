import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEmbedPanel, screenPath } from '../../lib/embed-panels';
import { AccessGrant, GrantRequest } from '../../lib/schemas/access-grant';
import { addressOf } from './access-control';
import { adminOf, written, type AdminApiDeps } from './admin-api';
import { issuesText, json, readBody } from './http';

export interface GrantRouteDeps extends AdminApiDeps {
  /** Writes a grant to governance.grants (and applies it here once written). */
  readonly publishGrant: (grant: AccessGrant) => Promise<void>;
  readonly publicUrl: string;
}

/** `/api/grants`: admins list, issue and revoke wall and embed tokens. */
export async function grantsApi(d: GrantRouteDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const from = addressOf(req);
  const action = req.method === 'GET' ? 'token:list' : path.endsWith('/revoke') ? 'token:revoke' : 'token:issue';
  const admin = await adminOf(d, req, res, action);
  if (!admin) return;
  if (req.method === 'GET' && path === '/api/grants') return json(res, 200, d.access.grants.list());
  if (req.method === 'POST' && path === '/api/grants') {
    const body = GrantRequest.safeParse(await readBody(req).catch(() => null));
    if (!body.success) return json(res, 400, { error: issuesText(body.error) });
    if (body.data.role === 'embed' && body.data.panels.some((p) => !isEmbedPanel(p))) return json(res, 400, { error: 'embed tokens show embeddable panels (map, kpis, alerts, pipeline)' });
    const now = Date.now();
    const grant = AccessGrant.parse({
      grantId: randomUUID(), label: body.data.label, role: body.data.role, panels: body.data.panels, origins: body.data.origins,
      issuedBy: admin.name, issuedAt: now, expiresAt: now + body.data.validForMs, revokedAt: null, revokedBy: null,
    });
    if (!(await written(d, res, 'the grant', () => d.publishGrant(grant)))) return;
    const { token, expiresAt } = await d.access.grants.tokenFor(grant, now, 'grant');
    d.audit.record({ actor: admin, action: 'token-issue', target: grant.grantId, outcome: 'ok', from, detail: `${grant.role} "${grant.label}" panels ${grant.panels.join(',')}${grant.origins.length ? ` framed by ${grant.origins.join(' ')}` : ''}` });
    return json(res, 201, { grant, token, expiresAt, url: `${d.publicUrl}${screenPath(grant.panels[0]!)}?token=${token}` });
  }
  const revoke = /^\/api\/grants\/([0-9a-f-]{36})\/revoke$/.exec(path);
  if (req.method === 'POST' && revoke) {
    const grant = d.access.grants.get(revoke[1]!);
    if (!grant) return json(res, 404, { error: 'no such grant' });
    if (!grant.revokedAt && !(await written(d, res, 'the grant', () => d.publishGrant({ ...grant, revokedAt: Date.now(), revokedBy: admin.name })))) return;
    d.audit.record({ actor: admin, action: 'token-revoke', target: grant.grantId, outcome: 'ok', from, detail: `"${grant.label}"` });
    return json(res, 200, d.access.grants.get(grant.grantId));
  }
  json(res, 404, { error: 'no such route' });
}
