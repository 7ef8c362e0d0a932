import { z } from 'zod';

export const sinkFormats = ['json', 'slack'] as const;

/** A sink's name: the key on governance.notify-sinks and what the audit trail and deliveredTo carry. */
export const SinkId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '1-32 characters of a-z 0-9 -, starting with a letter or digit');

/**
 * Where a notification may be posted: http(s) only, and no user:password part (a receiver's
 * credential belongs in its path, as Slack's does, where it is masked like the rest). One rule
 * for addresses from the environment and from /admin.
 */
export const SinkUrl = z
  .string()
  .max(2000)
  .superRefine((url, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return void ctx.addIssue({ code: 'custom', message: `"${url.slice(0, 100)}" is not a URL` });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `"${url.slice(0, 100)}" is not an http(s) address` });
    else if (parsed.username || parsed.password) ctx.addIssue({ code: 'custom', message: 'an address with a user name or password in it is refused: put the credential in the path, as Slack does' });
  });

/**
 * A notification sink set in /admin, on governance.notify-sinks (compacted, keyed by id): every
 * gateway reads the topic, so whichever of them is the sender posts to the same sinks. A
 * tombstone removes the sink.
 */
export const NotifySink = z.object({
  id: SinkId,
  format: z.enum(sinkFormats),
  /** A Slack incoming-webhook address is a credential: the admin API shows it masked. */
  url: SinkUrl,
  /** When the sink was first added: it is told of changes seen from then on, never of older ones. */
  createdAt: z.number().int().positive(),
  updatedAt: z.number().int().positive(),
  /** The admin who made this change. */
  updatedBy: z.string().min(1).max(64),
});
export type NotifySink = z.infer<typeof NotifySink>;

/** What the admin API shows of a sink: never its address in full. */
export interface SinkRow {
  readonly id: string;
  readonly format: (typeof sinkFormats)[number];
  /** Scheme, host and the path's last 4 characters. */
  readonly url: string;
  /** Environment sinks (NOTIFY_* variables) are read-only in /admin. */
  readonly source: 'environment' | 'admin';
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}
