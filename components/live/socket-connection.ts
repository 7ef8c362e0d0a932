import { io, type Socket } from 'socket.io-client';
import { screenPanel, type ScreenPanel } from '../../lib/embed-panels';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveSocketOptions {
  /** Headers for the handshake (Node test clients pass a session cookie; browsers send their own). */
  readonly extraHeaders?: Record<string, string>;
  /** A grant token (Node clients of a wall or embed; a browser's is in its screen cookie). */
  readonly token?: string;
  /** A wall or embed page's panel: the handshake is to use that panel's screen cookie. */
  readonly screen?: ScreenPanel;
}

/**
 * A socket to the gateway. socket.io-client retries a dropped connection forever (a gateway
 * restart looks like one); a disconnect the server sends on purpose (session or token ended)
 * is final. A signed-in browser is identified by its session cookie, a wall or embed page by
 * its screen cookie (HttpOnly: the page's scripts never hold its token). A Node client of a
 * screen presents its grant token once; the gateway then keeps it on short-lived session
 * tokens, renewed over the socket, and those are what reconnects present while they last.
 */
export function createLiveSocket(url?: string, options: LiveSocketOptions = {}): LiveSocket {
  const grant = options.token ?? null;
  let session: { token: string; expiresAt: number } | null = null;
  // A function, so that every (re)connect presents the newest credentials.
  const auth = (cb: (data: object) => void): void => {
    const live = session && session.expiresAt > Date.now() + 1000 ? session.token : grant;
    cb(live ? { token: live } : options.screen ? { screen: options.screen } : {});
  };
  const opts = { path: SOCKET_PATH, transports: ['websocket'], reconnectionDelayMax: 5000, auth, extraHeaders: options.extraHeaders };
  const socket: LiveSocket = url ? io(url, opts) : io(opts);
  socket.on('session:token', (renewed) => (session = renewed));
  return socket;
}

/** The panel this page shows when it is a wall or an embedded panel (a screen a token may open). */
function screenOfPage(): ScreenPanel | null {
  return typeof window === 'undefined' ? null : screenPanel(window.location.pathname);
}

/** When the gateway cannot be reached to renew the screen cookie, how soon to try again. */
const RENEW_RETRY_MS = 5000;

/**
 * Renews a screen page's cookie at half its remaining life, for as long as the grant lasts.
 * A refusal ends the renewals: the socket is cut with the reason, which the page shows.
 */
function keepScreenCookie(panel: ScreenPanel): void {
  const renew = async (): Promise<void> => {
    const res = await fetch(`/auth/screen?panel=${panel}`, { method: 'POST' }).catch(() => null);
    if (res === null || res.status >= 500 || res.status === 429) {
      setTimeout(() => void renew(), RENEW_RETRY_MS);
      return;
    }
    if (!res.ok) return;
    const body = (await res.json().catch(() => null)) as { validForMs?: number } | null;
    setTimeout(() => void renew(), typeof body?.validForMs === 'number' ? Math.max(1000, body.validForMs / 2) : RENEW_RETRY_MS);
  };
  void renew();
}

let shared: LiveSocket | null = null;

/** One socket per page, shared by every live store. */
export function liveSocket(): LiveSocket {
  if (shared) return shared;
  const screen = screenOfPage();
  shared = createLiveSocket(undefined, screen ? { screen } : {});
  if (screen) keepScreenCookie(screen);
  return shared;
}
