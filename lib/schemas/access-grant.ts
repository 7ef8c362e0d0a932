import { z } from 'zod';
import { tokenPanels, tokenRoles } from '../access';

/** An origin that may frame an embed: scheme, host and optional port, nothing else. */
export const FrameOrigin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'an origin such as https://tools.example.com');

/**
 * A scoped token's grant on governance.grants (compacted, keyed by grantId): what the token
 * may show and until when. Revoking writes the grant again with revokedAt set; every gateway
 * reads the topic, so a revocation reaches all of them.
 */
export const AccessGrant = z.object({
  grantId: z.string().uuid(),
  label: z.string().trim().min(1).max(80),
  role: z.enum(tokenRoles),
  panels: z.array(z.enum(tokenPanels)).min(1).max(tokenPanels.length),
  /** Origins allowed to frame the panels (embed tokens); empty means only this dashboard. */
  origins: z.array(FrameOrigin).max(20),
  issuedBy: z.string().min(1).max(64),
  issuedAt: z.number().int().positive(),
  expiresAt: z.number().int().positive(),
  revokedAt: z.number().int().positive().nullable(),
  revokedBy: z.string().min(1).max(64).nullable(),
});
export type AccessGrant = z.infer<typeof AccessGrant>;

/** What an admin asks for when issuing a token. */
export const GrantRequest = z.object({
  label: AccessGrant.shape.label,
  role: AccessGrant.shape.role,
  panels: AccessGrant.shape.panels,
  origins: AccessGrant.shape.origins.default([]),
  /** How long the grant lasts; the wall renews its short-lived token within it. */
  validForMs: z.number().int().min(1000).max(366 * 24 * 3_600_000),
});
export type GrantRequest = z.input<typeof GrantRequest>;
