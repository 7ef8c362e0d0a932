import { z } from 'zod';
import { roles } from '../access';

/** A local user name: what sign-in, the users topic key and the audit trail carry. */
export const UserName = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, '1-64 characters of A-Z a-z 0-9 . _ @ -');

/**
 * A local user on governance.users (compacted, keyed by name): every gateway reads the topic,
 * so a user added, re-roled or removed on one is the same on all. A tombstone removes the user.
 * Only the argon2id hash is kept, never a password.
 */
export const UserAccount = z.object({
  name: UserName,
  role: z.enum(roles),
  passwordHash: z.string().startsWith('$argon2id$').max(512),
  updatedAt: z.number().int().positive(),
  /** Who made this change: an admin's name, `cli` for `npm run users`, `bootstrap` for the first admin. */
  updatedBy: z.string().min(1).max(64),
});
export type UserAccount = z.infer<typeof UserAccount>;
