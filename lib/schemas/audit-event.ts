import { z } from 'zod';

export const auditActions = [
  'sign-in',
  'sign-in-refused',
  'sign-out',
  'token-issue',
  'token-revoke',
  'token-refused',
  'alert-action',
  'subscribe',
  'access-denied',
  // v2: user administration, and signing a user out everywhere.
  'user-add',
  'user-role',
  'user-password',
  'user-remove',
  'user-sign-out',
  // v3: a wall or embed address's token exchanged for its screen cookie.
  'screen-open',
  // v4: each attempt to deliver a notification to a sink (webhook, Slack).
  'notification-send',
  // v5: notification sinks set, removed and tried from /admin.
  'notify-sink-set',
  'notify-sink-remove',
  'notify-sink-test',
] as const;

/** One sensitive action on audit.events: who did what to what, when and from where. */
export const AuditEvent = z.object({
  at: z.number().int().positive(),
  actor: z.string().min(1).max(128),
  role: z.string().max(32).nullable(),
  action: z.enum(auditActions),
  /** The stream, alert, grant or user acted on. */
  target: z.string().max(200).nullable(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  /** The client address as the gateway saw it. */
  from: z.string().max(64),
  detail: z.string().max(500).optional(),
  gatewayId: z.string().max(128),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
