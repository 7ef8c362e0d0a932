import { parse, serialize } from 'cookie';
import type { ScreenPanel } from '../../lib/embed-panels';
import { MAX_TOKEN_LENGTH } from './grants';

/** One cookie per panel: a browser can show the wall of one grant and a panel of another. */
export function screenCookieName(panel: ScreenPanel): string {
  return `sw_screen_${panel}`;
}

/**
 * A wall's or embed's short-lived screen token, which its page got in exchange for the grant
 * token in its address. HttpOnly, so no script (nor an injected one) can read it; Path=/, so
 * the socket's handshake carries it. Over https it is SameSite=None; Secure; Partitioned: an
 * embed framed by another site keeps it, in that site's partition only. Over http it is
 * SameSite=Lax, which other origins of the same site (another port, as in the tests) can frame
 * but other sites cannot.
 */
export function screenCookie(panel: ScreenPanel, token: string, expiresAt: number, secure: boolean, now = Date.now()): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return serialize(screenCookieName(panel), token, { httpOnly: true, path: '/', maxAge, ...(secure ? { sameSite: 'none', secure: true, partitioned: true } : { sameSite: 'lax' }) });
}

/** The screen token a request's cookies hold for `panel`, or null. */
export function screenTokenFrom(cookieHeader: string | undefined, panel: ScreenPanel): string | null {
  if (!cookieHeader) return null;
  const token = parse(cookieHeader)[screenCookieName(panel)];
  return token && token.length <= MAX_TOKEN_LENGTH ? token : null;
}

/** The address without its grant token: where a screen goes once the token is in its cookie. */
export function withoutToken(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete('token');
  const search = params.toString();
  return `${url.pathname}${search ? `?${search}` : ''}`;
}
