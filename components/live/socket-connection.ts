import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveSocketOptions {
  /** Headers for the handshake (Node test clients pass a session cookie; browsers send their own). */
  readonly extraHeaders?: Record<string, string>;
  /** A wall or embed's grant token (from its address). */
  readonly token?: string;
}

/**
 * A socket to the gateway. socket.io-client retries a dropped connection forever (a gateway
 * restart looks like one); a disconnect the server sends on purpose (session or token ended)
 * is final. A signed-in browser is identified by its session cookie. A wall or embed presents
 * the grant token from its address once; the gateway then keeps it on short-lived session
 * tokens, renewed over the socket, and those are what reconnects present while they last.
 */
export function createLiveSocket(url?: string, options: LiveSocketOptions = {}): LiveSocket {
  const grant = options.token ?? null;
  let session: { token: string; expiresAt: number } | null = null;
  // A function, so that every (re)connect presents the newest credentials.
  const auth = (cb: (data: object) => void): void => {
    const live = session && session.expiresAt > Date.now() + 1000 ? session.token : grant;
    cb(live ? { token: live } : {});
  };
  const opts = { path: SOCKET_PATH, transports: ['websocket'], reconnectionDelayMax: 5000, auth, extraHeaders: options.extraHeaders };
  const socket: LiveSocket = url ? io(url, opts) : io(opts);
  socket.on('session:token', (renewed) => (session = renewed));
  return socket;
}

/** The wall or embed token this page was opened with, if any (kept in the address, so reloads keep working). */
export function screenToken(): string | null {
  if (typeof window === 'undefined') return null;
  return new URLSearchParams(window.location.search).get('token');
}

let shared: LiveSocket | null = null;

/** One socket per page, shared by every live store. */
export function liveSocket(): LiveSocket {
  shared ??= createLiveSocket(undefined, { token: screenToken() ?? undefined });
  return shared;
}
