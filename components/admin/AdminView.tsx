'use client';

import { useCallback, useEffect, useState } from 'react';
import { tokenPanels, tokenRoles, type TokenPanel, type TokenRole } from '../../lib/access';
import type { AccessGrant } from '../../lib/schemas/access-grant';
import { adminApi } from './admin-api';
import { useAuditTrail } from './use-audit';
import { NotifySinksAdmin } from './NotifySinksAdmin';
import { UsersAdmin } from './UsersAdmin';

const HOUR = 3_600_000;
const validities = [
  ['1 minute', 60_000],
  ['1 hour', HOUR],
  ['1 day', 24 * HOUR],
  ['30 days', 30 * 24 * HOUR],
] as const;

/** Users, wall and embed tokens (issue, see, revoke), notification sinks and the audit trail, for admins. */
export function AdminView() {
  return (
    <div className="grid min-h-0 flex-1 grid-cols-[minmax(28rem,1fr)_2fr] gap-4 overflow-hidden p-4">
      <div className="flex min-h-0 flex-col gap-4">
        <UsersAdmin />
        <Tokens />
        <NotifySinksAdmin />
      </div>
      <AuditTrail />
    </div>
  );
}


function Tokens() {
  const [grants, setGrants] = useState<AccessGrant[]>([]);
  const [issued, setIssued] = useState<{ url: string; label: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<TokenRole>('wall');
  const [panel, setPanel] = useState<TokenPanel>('wall');
  const [origins, setOrigins] = useState('');
  const [validFor, setValidFor] = useState<number>(24 * HOUR);
  const reload = useCallback(() => void adminApi<AccessGrant[]>('/api/grants').then(setGrants, (e: Error) => setError(e.message)), []);
  useEffect(reload, [reload]);

  const issue = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const out = await adminApi<{ url: string; grant: AccessGrant }>('/api/grants', {
        label, role, panels: [panel], validForMs: validFor,
        origins: origins.split(/[\s,]+/).filter(Boolean),
      });
      setIssued({ url: out.url, label: out.grant.label });
      reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const revoke = async (grantId: string) => {
    setError(null);
    await adminApi(`/api/grants/${grantId}/revoke`, {}).catch((err: Error) => setError(err.message));
    reload();
  };
  const input = 'rounded border border-edge bg-surface px-2 py-1 text-ink';
  return (
    <section aria-label="Screen tokens" className="flex min-h-0 flex-col gap-3 overflow-y-auto rounded-lg border border-edge bg-panel p-3 text-sm">
      <h2 className="font-semibold">Wall and embed tokens</h2>
      <form className="grid grid-cols-[auto_1fr] items-center gap-2" onSubmit={issue} data-testid="admin.issue">
        <label htmlFor="t-label">Label</label>
        <input id="t-label" className={input} value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={80} placeholder="NOC wall 2" />
        <label htmlFor="t-role">Role</label>
        <select id="t-role" className={input} value={role} onChange={(e) => setRole(e.target.value as TokenRole)}>
          {tokenRoles.map((r) => <option key={r}>{r}</option>)}
        </select>
        <label htmlFor="t-panel">Shows</label>
        <select id="t-panel" className={input} value={panel} onChange={(e) => setPanel(e.target.value as TokenPanel)}>
          {tokenPanels.map((p) => <option key={p}>{p}</option>)}
        </select>
        <label htmlFor="t-origins">Framed by</label>
        <input id="t-origins" className={input} value={origins} onChange={(e) => setOrigins(e.target.value)} placeholder="https://tools.example.com (embeds)" />
        <label htmlFor="t-valid">Valid for</label>
        <select id="t-valid" className={input} value={validFor} onChange={(e) => setValidFor(Number(e.target.value))}>
          {validities.map(([name, ms]) => <option key={ms} value={ms}>{name}</option>)}
        </select>
        <span />
        <button type="submit" className="justify-self-start rounded bg-blue-600 px-3 py-1 text-white hover:bg-blue-500">Issue token</button>
      </form>
      {error && <p role="alert" className="rounded bg-red-500/10 px-2 py-1 text-red-300">{error}</p>}
      {issued && (
        <p className="break-all rounded bg-edge/50 p-2">
          Address for “{issued.label}” (shown once): <a className="underline" href={issued.url} data-testid="admin.issued-url">{issued.url}</a>
        </p>
      )}
      <table className="w-full text-left">
        <thead className="text-muted"><tr><th>Label</th><th>Role</th><th>Shows</th><th>Expires</th><th /></tr></thead>
        <tbody>
          {grants.map((g) => (
            <tr key={g.grantId} data-testid="admin.grant" data-grant={g.grantId}>
              <td>{g.label}</td>
              <td>{g.role}</td>
              <td>{g.panels.join(', ')}</td>
              <td>{g.revokedAt ? <span className="text-red-300">revoked by {g.revokedBy}</span> : g.expiresAt <= Date.now() ? <span className="text-muted">expired</span> : new Date(g.expiresAt).toLocaleString('en-GB')}</td>
              <td>{!g.revokedAt && g.expiresAt > Date.now() && <button className="text-red-300 hover:underline" onClick={() => void revoke(g.grantId)} data-testid="admin.revoke">Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AuditTrail() {
  const events = useAuditTrail();
  return (
    <section aria-label="Audit trail" className="flex min-h-0 flex-col rounded-lg border border-edge bg-panel text-sm">
      <h2 className="border-b border-edge px-3 py-1.5 font-semibold">Audit trail</h2>
      {/* Focusable, so that a keyboard can scroll the trail (WCAG: scrollable regions). */}
      <div className="min-h-0 flex-1 overflow-y-auto" tabIndex={0} role="region" aria-label="Audit events, newest first">
        <table className="w-full text-left" data-testid="admin.audit">
          <thead className="sticky top-0 bg-panel text-muted"><tr><th className="px-3">When</th><th>Who</th><th>What</th><th>Target</th><th>Outcome</th><th>From</th></tr></thead>
          <tbody>
            {events.map((e, i) => (
              <tr key={`${e.at}-${i}`} className="border-t border-edge/50" data-testid="admin.audit.row" data-action={e.action}>
                <td className="px-3 tabular-nums">{new Date(e.at).toLocaleTimeString('en-GB')}</td>
                <td>{e.actor}{e.role ? <span className="text-muted"> ({e.role})</span> : null}</td>
                <td>{e.action}</td>
                <td className="max-w-[16rem] truncate" title={e.detail ?? undefined}>{e.target ?? ''}</td>
                <td className={e.outcome === 'ok' ? '' : 'text-red-300'}>{e.outcome}</td>
                <td className="text-muted">{e.from}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
