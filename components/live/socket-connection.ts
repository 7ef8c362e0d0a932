import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket to the gateway. socket.io-client retries a dropped connection forever (a gateway
 * restart looks like one); a disconnect the server sends on purpose is final.
 */
export function createLiveSocket(url?: string): LiveSocket {
  const options = { path: SOCKET_PATH, transports: ['websocket'], reconnectionDelayMax: 5000 };
  return url ? io(url, options) : io(options);
}

let shared: LiveSocket | null = null;

/** One socket per page, shared by every live store. */
export function liveSocket(): LiveSocket {
  shared ??= createLiveSocket();
  return shared;
}
