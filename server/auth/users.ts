import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Role } from '../../lib/access';
import { UserAccount, UserName } from '../../lib/schemas/user-account';

export interface LocalUser {
  readonly name: string;
  readonly role: Role;
}

/** Passwords shorter than this are refused, wherever a password is set. */
export const MIN_PASSWORD_LENGTH = 12;
/** What a password must be: the one rule for sign-up, resets and the command line. */
export const Password = z.string().min(MIN_PASSWORD_LENGTH, `passwords have at least ${MIN_PASSWORD_LENGTH} characters`).max(256, 'passwords have at most 256 characters');

/** Writes a user's record (null: a tombstone, removing the user) to governance.users. */
export type PublishUser = (name: string, account: UserAccount | null) => Promise<void>;

/** Used when the name is unknown, so that a wrong name takes as long to refuse as a wrong password. */
let decoyHash: Promise<string> | null = null;

/** A user's record as governance.users holds it: the password hashed with argon2id, never kept. */
export async function userAccount(name: string, role: Role, password: string, by: string, now = Date.now()): Promise<UserAccount> {
  UserName.parse(name);
  const checked = Password.safeParse(password);
  if (!checked.success) throw new Error(checked.error.issues[0]!.message);
  return UserAccount.parse({ name, role, passwordHash: await hash(password), updatedAt: now, updatedBy: by });
}

/**
 * The local users, as governance.users says: every gateway replays the compacted topic, so all
 * of them know the same users. A change is written to the topic first and applied here once
 * written; other gateways apply it when they read it (within a poll, ~50 ms). Whoever listens
 * to `onChanged` re-checks that user's open sessions (a removed user is signed out, a new role
 * applies at once).
 */
export class UserDirectory {
  private readonly users = new Map<string, UserAccount>();
  /** Called after a user was added, changed or removed. */
  onChanged: (name: string) => void = () => undefined;

  constructor(private readonly publish: PublishUser) {}

  /** A record read from the topic (null: the user was removed). */
  apply(name: string, account: UserAccount | null): void {
    if (account) this.users.set(name, account);
    else if (!this.users.delete(name)) return;
    this.onChanged(name);
  }

  get size(): number {
    return this.users.size;
  }

  get(name: string): LocalUser | undefined {
    const u = this.users.get(name);
    return u && { name: u.name, role: u.role };
  }

  list(): (LocalUser & { readonly updatedAt: number; readonly updatedBy: string })[] {
    return [...this.users.values()].map(({ name, role, updatedAt, updatedBy }) => ({ name, role, updatedAt, updatedBy })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Adds or replaces a user. */
  async put(name: string, role: Role, password: string, by: string): Promise<void> {
    await this.write(await userAccount(name, role, password, by));
  }

  /** False when there is no such user. */
  async setRole(name: string, role: Role, by: string): Promise<boolean> {
    const u = this.users.get(name);
    if (!u) return false;
    if (u.role !== role) await this.write({ ...u, role, updatedAt: Date.now(), updatedBy: by });
    return true;
  }

  async setPassword(name: string, password: string, by: string): Promise<boolean> {
    const u = this.users.get(name);
    if (!u) return false;
    await this.write(await userAccount(name, u.role, password, by));
    return true;
  }

  async remove(name: string): Promise<boolean> {
    if (!this.users.has(name)) return false;
    await this.publish(name, null);
    this.apply(name, null);
    return true;
  }

  /** The user when name and password match, else null (same work either way). */
  async verify(name: string, password: string): Promise<LocalUser | null> {
    const user = this.users.get(name);
    if (!user) {
      decoyHash ??= hash(randomBytes(16).toString('hex'));
      await verify(await decoyHash, password).catch(() => false);
      return null;
    }
    const ok = await verify(user.passwordHash, password).catch(() => false);
    // Read again after the wait: a user removed meanwhile does not sign in.
    return ok && this.users.get(name) === user ? { name: user.name, role: user.role } : null;
  }

  /**
   * Makes sure an admin exists, once the topic has been read: on a cluster's first start,
   * `name` with `password` (from the environment) or a generated one, which is returned so that
   * it can be shown once. Gateways starting together for the first time each write the admin;
   * the last write wins on every gateway alike, so give them one STREAMWATCH_ADMIN_PASSWORD
   * (the local stack does) or only the last generated password works.
   */
  async ensureAdmin(name: string, password: string | undefined): Promise<{ created: boolean; password: string | null }> {
    if ([...this.users.values()].some((u) => u.role === 'admin')) return { created: false, password: null };
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.put(name, 'admin', chosen, 'bootstrap');
    return { created: true, password: password === undefined ? chosen : null };
  }

  /** A record as it is (a user brought over from a users file, already hashed). */
  async importAccount(account: UserAccount): Promise<void> {
    await this.write(account);
  }

  private async write(account: UserAccount): Promise<void> {
    await this.publish(account.name, account);
    this.apply(account.name, account);
  }
}
