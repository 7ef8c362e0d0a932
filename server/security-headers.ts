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
