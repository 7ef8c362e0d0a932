import { z } from 'zod';
import { UserName } from './user-account';

/**
 * What ends sessions, on governance.sessions (compacted and time-retained: a record matters only
 * until the sessions it ends would have expired anyway). Sessions themselves are signed cookies
 * any gateway can check; every gateway reads this topic, so an ended session is refused by all.
 * - `session-ended` (key `session:<id>`): one session signed out;
 * - `user-signed-out` (key `user:<name>`): every session of a user begun before `before`.
 */
export const SessionEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('session-ended'),
    sessionId: z.string().uuid(),
    user: z.string().min(1).max(64),
    at: z.number().int().positive(),
    /** When the session would have expired: the record is needed until then. */
    expiresAt: z.number().int().positive(),
    by: z.string().min(1).max(64),
  }),
  z.object({
    kind: z.literal('user-signed-out'),
    user: UserName,
    /** Sessions begun before this instant (epoch ms) are over. */
    before: z.number().int().positive(),
    by: z.string().min(1).max(64),
  }),
]);
export type SessionEvent = z.infer<typeof SessionEvent>;

export function sessionEventKey(event: SessionEvent): string {
  return event.kind === 'session-ended' ? `session:${event.sessionId}` : `user:${event.user}`;
}
