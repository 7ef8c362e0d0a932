import type { ServerResponse } from 'node:http';

/**
 * Headers on every answer the gateway gives. No referrer ever leaves a page (a screen's address
 * must not travel in a Referer), no type is sniffed, no powerful browser feature is granted, and
 * over https browsers are told to stay there. Framing is per page (auth-routes.ts).
 */
export function securityHeaders(publicUrl: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=()',
    'cross-origin-opener-policy': 'same-origin',
    ...(new URL(publicUrl).protocol === 'https:' ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export function applySecurityHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/**
 * The Content-Security-Policy of a dashboard page. Scripts run only with this answer's nonce
 * (Next.js puts it on every script it writes, reading it from the request's own policy) or when
 * such a script loads them ('strict-dynamic': the framework's chunks); nothing inline without it,
 * no eval outside development (React's dev build needs it), no plugins, no <base>. Styles may be
 * inline: React, deck.gl and recharts set style attributes. The socket is same-origin.
 */
export function pagePolicy(o: { readonly nonce: string; readonly frameAncestors: readonly string[]; readonly dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${o.nonce}' 'strict-dynamic'${o.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${o.frameAncestors.join(' ')}`,
  ].join('; ');
}

/** The policy of the gateway's own pages (sign-in, refusals): no script at all, framed by this site only. */
export const SERVER_PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');
