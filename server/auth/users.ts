import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { roles, type Role } from '../../lib/access';

const UserName = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, '1-64 characters of A-Z a-z 0-9 . _ @ -');
const StoredUser = z.object({ name: UserName, role: z.enum(roles), passwordHash: z.string().startsWith('$argon2') });
const UsersFile = z.object({ users: z.array(StoredUser) });
type StoredUser = z.infer<typeof StoredUser>;

export interface LocalUser {
  readonly name: string;
  readonly role: Role;
}

/** Used when the name is unknown, so that a wrong name takes as long to refuse as a wrong password. */
let decoyHash: Promise<string> | null = null;

/**
 * Local users in a JSON file (argon2id hashes, never passwords). The file is small and read
 * at start; changes are written atomically (temp file + rename).
 */
export class UserStore {
  private users = new Map<string, StoredUser>();
  private loadedMtime = -1;

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<UserStore> {
    const store = new UserStore(file);
    await store.load();
    return store;
  }

  /** Reads the file again when it changed (`npm run users` edits it while gateways run). */
  private async load(): Promise<void> {
    let mtime: number;
    try {
      mtime = (await stat(this.file)).mtimeMs;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return;
    }
    if (mtime === this.loadedMtime) return;
    const parsed = UsersFile.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
    if (!parsed.success) throw new Error(`${this.file} is not a valid users file: ${parsed.error.issues[0]?.message}`);
    this.users = new Map(parsed.data.users.map((u) => [u.name, u]));
    this.loadedMtime = mtime;
  }

  get size(): number {
    return this.users.size;
  }

  list(): LocalUser[] {
    return [...this.users.values()].map(({ name, role }) => ({ name, role }));
  }

  /** Adds or replaces a user. */
  async put(name: string, role: Role, password: string): Promise<void> {
    UserName.parse(name);
    if (password.length < 12) throw new Error('passwords have at least 12 characters');
    this.users.set(name, { name, role, passwordHash: await hash(password) });
    await this.save();
  }

  async remove(name: string): Promise<boolean> {
    const had = this.users.delete(name);
    if (had) await this.save();
    return had;
  }

  /** The user when name and password match, else null (same work either way). */
  async verify(name: string, password: string): Promise<LocalUser | null> {
    await this.load().catch(() => undefined);
    const user = this.users.get(name);
    if (!user) {
      decoyHash ??= hash(randomBytes(16).toString('hex'));
      await verify(await decoyHash, password).catch(() => false);
      return null;
    }
    const ok = await verify(user.passwordHash, password).catch(() => false);
    return ok ? { name: user.name, role: user.role } : null;
  }

  /**
   * Makes sure an admin exists: on first run, `name` with `password` (from the environment) or
   * a generated one, which is returned so that it can be printed once.
   */
  async ensureAdmin(name: string, password: string | undefined): Promise<{ created: boolean; password: string | null }> {
    if ([...this.users.values()].some((u) => u.role === 'admin')) return { created: false, password: null };
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.put(name, 'admin', chosen);
    return { created: true, password: password === undefined ? chosen : null };
  }

  private async save(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ users: [...this.users.values()] }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
