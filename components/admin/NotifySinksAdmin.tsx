'use client';

import { useState } from 'react';
import { sinkFormats, type SinkRow } from '../../lib/schemas/notify-sink';
import { adminApi } from './admin-api';
import { useAdminList } from './use-admin-list';

const formatNames: Record<SinkRow['format'], string> = { json: 'JSON webhook', slack: 'Slack incoming webhook' };

/**
 * Notification sinks, for admins: add one (a JSON webhook or a Slack incoming webhook), change
 * its address by setting it again under the same name, send it a test message, remove it. The
 * gateway writes each change to governance.notify-sinks and audits it; whichever gateway sends
 * the notifications follows. Addresses come back masked: a Slack address is its own credential.
 */
export function NotifySinksAdmin() {
  const { rows: sinks, act, tell, error, done } = useAdminList<SinkRow>('/api/notify-sinks');
  const [id, setId] = useState('');
  const [format, setFormat] = useState<SinkRow['format']>('json');
  const [url, setUrl] = useState('');
  const [testing, setTesting] = useState<string | null>(null);

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    const replacing = sinks.some((s) => s.id === id);
    if (await act(`${id} ${replacing ? 'changed' : 'added'}: it hears of changes from now on`, '/api/notify-sinks', { id, format, url })) {
      setId('');
      setUrl('');
    }
  };
  const test = async (sink: string) => {
    tell(null);
    setTesting(sink);
    try {
      const out = await adminApi<{ ok: boolean; detail: string }>(`/api/notify-sinks/${sink}/test`, {});
      tell(out.ok ? { done: `${sink}: test message delivered (${out.detail})` } : { error: `${sink}: test message not delivered (${out.detail})` });
    } catch (err) {
      tell({ error: (err as Error).message });
    } finally {
      setTesting(null);
    }
  };
  const remove = (sink: string) => {
    if (window.confirm(`Remove the sink ${sink}? It is told nothing more.`)) void act(`${sink} removed`, `/api/notify-sinks/${sink}/remove`, {});
  };
  const input = 'rounded border border-edge bg-surface px-2 py-1 text-ink';
  return (
    <section aria-label="Notification sinks" className="flex min-h-0 flex-col gap-3 overflow-y-auto rounded-lg border border-edge bg-panel p-3 text-sm">
      <h2 className="font-semibold">Notification sinks</h2>
      <p className="text-muted">Lag status changes, Flink jobs leaving RUNNING, high-score fraud alerts and stale streams are posted here, once each, by one gateway.</p>
      <form className="grid grid-cols-[auto_1fr] items-center gap-2" onSubmit={add} data-testid="admin.add-sink">
        <label htmlFor="s-id">Name</label>
        <input id="s-id" className={input} value={id} onChange={(e) => setId(e.target.value)} required maxLength={32} pattern="[a-z0-9][a-z0-9\-]*" placeholder="ops-slack" autoComplete="off" />
        <label htmlFor="s-format">Kind</label>
        <select id="s-format" className={input} value={format} onChange={(e) => setFormat(e.target.value as SinkRow['format'])}>
          {sinkFormats.map((f) => <option key={f} value={f}>{formatNames[f]}</option>)}
        </select>
        <label htmlFor="s-url">Address</label>
        <input id="s-url" type="url" className={input} value={url} onChange={(e) => setUrl(e.target.value)} required maxLength={2000} placeholder="https://hooks.slack.com/services/…" autoComplete="off" />
        <span />
        <button type="submit" className="justify-self-start rounded bg-blue-600 px-3 py-1 text-white hover:bg-blue-500">Set sink</button>
      </form>
      {error && <p role="alert" className="rounded bg-red-500/10 px-2 py-1 text-red-300">{error}</p>}
      {done && <p role="status" className="rounded bg-edge/50 px-2 py-1">{done}</p>}
      <table className="w-full text-left" data-testid="admin.sinks">
        <thead className="text-muted"><tr><th>Sink</th><th>Address</th><th>Set</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {sinks.length === 0 && <tr><td colSpan={4} className="text-muted">None: notifications are recorded but not sent.</td></tr>}
          {sinks.map((s) => (
            <tr key={s.id} data-testid="admin.sink" data-sink={s.id}>
              <td>{s.id} <span className="text-muted">({s.format})</span></td>
              <td className="break-all font-mono text-xs">{s.url}</td>
              <td className="text-muted">{s.source === 'environment' ? 'environment' : `${new Date(s.updatedAt!).toLocaleDateString('en-GB')} by ${s.updatedBy}`}</td>
              <td className="space-x-2 whitespace-nowrap">
                <button className="hover:underline disabled:opacity-50" disabled={testing !== null} onClick={() => void test(s.id)}>{testing === s.id ? 'Sending…' : 'Send test'}</button>
                {s.source === 'admin' && <button className="text-red-300 hover:underline" onClick={() => remove(s.id)}>Remove</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
