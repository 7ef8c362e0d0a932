'use client';

import { useState } from 'react';
import { roles, type Role } from '../../lib/access';
import { useAdminList } from './use-admin-list';

interface UserRow {
  readonly name: string;
  readonly role: Role;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** People sign in with these; wall and embed roles belong to tokens. */
const personRoles = roles.filter((r) => r !== 'wall' && r !== 'embed');

/**
 * Local users, for admins: add with a role, change a role, reset a password, sign out
 * everywhere, remove. The gateway writes each change to governance.users (or
 * governance.sessions) and audits it; every gateway's open pages follow within a second.
 */
export function UsersAdmin() {
  const { rows: users, act, error, done } = useAdminList<UserRow>('/api/users');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    if (await act(`${name} added as ${role}`, '/api/users', { name, role, password })) {
      setName('');
      setPassword('');
    }
  };
  const reset = (user: string) => {
    const next = window.prompt(`New password for ${user} (at least 12 characters). Their sessions end.`);
    if (next) void act(`${user}: new password, signed out everywhere`, `/api/users/${encodeURIComponent(user)}/password`, { password: next });
  };
  const remove = (user: string) => {
    if (window.confirm(`Remove ${user}? They are signed out on every gateway.`)) void act(`${user} removed`, `/api/users/${encodeURIComponent(user)}/remove`, {});
  };
  const input = 'rounded border border-edge bg-surface px-2 py-1 text-ink';
  return (
    <section aria-label="Users" className="flex min-h-0 flex-col gap-3 overflow-y-auto rounded-lg border border-edge bg-panel p-3 text-sm">
      <h2 className="font-semibold">Users</h2>
      <form className="grid grid-cols-[auto_1fr] items-center gap-2" onSubmit={add} data-testid="admin.add-user">
        <label htmlFor="u-name">User name</label>
        <input id="u-name" className={input} value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} pattern="[A-Za-z0-9._@\-]+" autoComplete="off" />
        <label htmlFor="u-role">Role</label>
        <select id="u-role" className={input} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {personRoles.map((r) => <option key={r}>{r}</option>)}
        </select>
        <label htmlFor="u-password">Password</label>
        <input id="u-password" type="password" className={input} value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} maxLength={256} autoComplete="new-password" />
        <span />
        <button type="submit" className="justify-self-start rounded bg-blue-600 px-3 py-1 text-white hover:bg-blue-500">Add user</button>
      </form>
      {error && <p role="alert" className="rounded bg-red-500/10 px-2 py-1 text-red-300">{error}</p>}
      {done && <p role="status" className="rounded bg-edge/50 px-2 py-1">{done}</p>}
      <table className="w-full text-left" data-testid="admin.users">
        <thead className="text-muted"><tr><th>User</th><th>Role</th><th>Changed</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.name} data-testid="admin.user" data-user={u.name}>
              <td>{u.name}</td>
              <td>
                <select aria-label={`Role of ${u.name}`} className={input} value={u.role} onChange={(e) => void act(`${u.name} is now ${e.target.value}`, `/api/users/${encodeURIComponent(u.name)}/role`, { role: e.target.value })}>
                  {personRoles.map((r) => <option key={r}>{r}</option>)}
                </select>
              </td>
              <td className="text-muted">{new Date(u.updatedAt).toLocaleDateString('en-GB')} by {u.updatedBy}</td>
              <td className="space-x-2 whitespace-nowrap">
                <button className="hover:underline" onClick={() => void act(`${u.name} signed out everywhere`, `/api/users/${encodeURIComponent(u.name)}/sign-out`, {})}>Sign out</button>
                <button className="hover:underline" onClick={() => reset(u.name)}>Reset password</button>
                <button className="text-red-300 hover:underline" onClick={() => remove(u.name)}>Remove</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
