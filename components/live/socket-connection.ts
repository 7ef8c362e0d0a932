import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveSocketOptions {
  /** Headers for the handshake (Node test clients pass a session cookie; browsers send their own). */
  readonly extraHeaders?: Record<string, string>;
  /** A wall or embed token; renewed tokens from the gateway replace it. */
  readonly token?: string;
}

/**
 * A socket to the gateway. socket.io-client retries a dropped connection forever (a gateway
 * restart looks like one); a disconnect the server sends on purpose (session or token ended)
 * is final. A signed-in browser is identified by its session cookie; a wall or embed by the
 * token in its address, which the gateway renews over the socket while the grant lasts.
 */
export function createLiveSocket(url?: string, options: LiveSocketOptions = {}): LiveSocket {
  let token = options.token ?? null;
  // A function, so that every (re)connect presents the newest token.
  const auth = (cb: (data: object) => void): void => cb(token ? { token } : {});
  const opts = { path: SOCKET_PATH, transports: ['websocket'], reconnectionDelayMax: 5000, auth, extraHeaders: options.extraHeaders };
  const socket: LiveSocket = url ? io(url, opts) : io(opts);
  socket.on('session:token', (renewed) => {
    token = renewed.token;
    rememberScreenToken(renewed.token);
  });
  return socket;
}

const TOKEN_KEY = 'streamwatch.screen-token';

/** The wall or embed token this page was opened with (or was renewed to), if any. */
export function screenToken(): string | null {
  if (typeof window === 'undefined') return null;
  const fromAddress = new URLSearchParams(window.location.search).get('token');
  if (fromAddress) {
    rememberScreenToken(fromAddress);
    return fromAddress;
  }
  return window.sessionStorage.getItem(TOKEN_KEY);
}

/**
 * Keeps the newest token for reloads: in session storage and in the address bar, so that a
 * wall that reloads itself (or is reloaded by its kiosk software) comes back with a live token.
 */
function rememberScreenToken(token: string): void {
  if (typeof window === 'undefined') return;
  window.sessionStorage.setItem(TOKEN_KEY, token);
  const url = new URL(window.location.href);
  if (url.searchParams.has('token') && url.searchParams.get('token') !== token) {
    url.searchParams.set('token', token);
    window.history.replaceState(window.history.state, '', url);
  }
}

let shared: LiveSocket | null = null;

/** One socket per page, shared by every live store. */
export function liveSocket(): LiveSocket {
  shared ??= createLiveSocket(undefined, { token: screenToken() ?? undefined });
  return shared;
}
