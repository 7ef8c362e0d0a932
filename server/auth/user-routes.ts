import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { roles } from '../../lib/access';
import { UserName } from '../../lib/schemas/user-account';
import { addressOf } from './access-control';
import { adminOf, written, type AdminApiDeps } from './admin-api';
import { issuesText, json, readBody } from './http';
import { Password } from './users';

/** People sign in; wall and embed roles belong to tokens. */
const PersonRole = z.enum(roles).refine((r) => r !== 'wall' && r !== 'embed', 'wall and embed are for tokens (Tokens section)');
const NewUser = z.object({ name: UserName, role: PersonRole, password: Password });
const RoleChange = z.object({ role: PersonRole });
const PasswordReset = z.object({ password: Password });

/**
 * `/api/users`: admins list, add, re-role, reset and remove local users, and sign a user out
 * everywhere. Each change goes to governance.users or governance.sessions, so every gateway's
 * open pages and sockets follow it within a second; each is audited. The last admin cannot be
 * removed or demoted (nobody could administer the cluster afterwards).
 */
export async function usersApi(d: AdminApiDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { users } = d.access;
  const from = addressOf(req);
  // User names are A-Z a-z 0-9 . _ @ - (an @ may come encoded): nothing else needs decoding.
  const m = /^\/api\/users(?:\/([A-Za-z0-9._@%-]{1,72})\/(role|password|sign-out|remove))?$/.exec(path);
  const op = m?.[2] ?? (req.method === 'GET' ? 'list' : 'add');
  const admin = await adminOf(d, req, res, `user:${op}`);
  if (!admin) return;
  if (!m || (req.method === 'GET') !== (op === 'list') || (req.method !== 'GET' && req.method !== 'POST')) return json(res, 404, { error: 'no such route' });
  if (op === 'list') return json(res, 200, users.list());
  const audit = (action: 'user-add' | 'user-role' | 'user-password' | 'user-remove' | 'user-sign-out', target: string, detail?: string) =>
    d.audit.record({ actor: admin, action, target, outcome: 'ok', from, ...(detail ? { detail } : {}) });
  const body = await readBody(req).catch(() => null);

  if (op === 'add') {
    const add = NewUser.safeParse(body);
    if (!add.success) return json(res, 400, { error: issuesText(add.error) });
    if (users.get(add.data.name)) return json(res, 409, { error: `${add.data.name} exists already: change the role or reset the password instead` });
    if (!(await written(d, res, 'the user', () => users.put(add.data.name, add.data.role, add.data.password, admin.name)))) return;
    audit('user-add', add.data.name, `role ${add.data.role}`);
    return json(res, 201, users.get(add.data.name));
  }

  const name = m[1]!.replaceAll('%40', '@');
  const user = users.get(name);
  if (!user) return json(res, 404, { error: `no user ${name}` });
  if (op === 'role') {
    const change = RoleChange.safeParse(body);
    if (!change.success) return json(res, 400, { error: issuesText(change.error) });
    if (change.data.role !== 'admin' && lastAdmin(d, name)) return json(res, 409, { error: `${name} is the only admin: make someone else admin first` });
    if (!(await written(d, res, 'the user', () => users.setRole(name, change.data.role, admin.name)))) return;
    audit('user-role', name, `${user.role} → ${change.data.role}`);
    return json(res, 200, users.get(name));
  }
  if (op === 'password') {
    const reset = PasswordReset.safeParse(body);
    if (!reset.success) return json(res, 400, { error: issuesText(reset.error) });
    // A new password ends the sessions begun with the old one.
    if (!(await written(d, res, 'the user', async () => {
      await users.setPassword(name, reset.data.password, admin.name);
      await d.access.signOutEverywhere(name, admin.name);
    }))) return;
    audit('user-password', name, 'password reset; signed out everywhere');
    return json(res, 200, users.get(name));
  }
  if (op === 'sign-out') {
    if (!(await written(d, res, 'the sign-out', () => d.access.signOutEverywhere(name, admin.name)))) return;
    audit('user-sign-out', name, 'every session ended');
    return json(res, 200, users.get(name));
  }
  if (lastAdmin(d, name)) return json(res, 409, { error: `${name} is the only admin: make someone else admin first` });
  if (!(await written(d, res, 'the removal', () => users.remove(name)))) return;
  audit('user-remove', name, `was ${user.role}`);
  json(res, 200, { removed: name });
}

function lastAdmin(d: AdminApiDeps, name: string): boolean {
  const admins = d.access.users.list().filter((u) => u.role === 'admin');
  return admins.length === 1 && admins[0]!.name === name;
}
