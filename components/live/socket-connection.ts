import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket to the gateway. socket.io-client retries a dropped connection forever (a gateway
 * restart looks like one); a disconnect the server sends on purpose is final.
 */
export function createLiveSocket(url?: string): LiveSocket {
  // A function, so that every (re)connect presents the operator name chosen since.
  const auth = (cb: (data: object) => void): void => cb({ operator: operatorName() ?? undefined });
  const options = { path: SOCKET_PATH, transports: ['websocket'], reconnectionDelayMax: 5000, auth };
  return url ? io(url, options) : io(options);
}

const OPERATOR_KEY = 'streamwatch.operator';

/** The name triage actions are recorded under until sign-in (issue #7) names the user. */
export function operatorName(): string | null {
  return globalThis.localStorage?.getItem(OPERATOR_KEY) ?? null;
}

/** Remembers the operator name and reconnects the page's socket so the gateway hears it. */
export function setOperatorName(name: string): void {
  globalThis.localStorage?.setItem(OPERATOR_KEY, name.trim());
  // Connected or still connecting, the handshake may have gone out with the old name.
  if (shared) shared.disconnect().connect();
}

let shared: LiveSocket | null = null;

/** One socket per page, shared by every live store. */
export function liveSocket(): LiveSocket {
  shared ??= createLiveSocket();
  return shared;
}
