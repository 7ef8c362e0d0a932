import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../lib/protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: LiveSocket | null = null;

/** One socket per page, shared by every live store; it reconnects forever on its own. */
export function liveSocket(): LiveSocket {
  shared ??= io({ path: SOCKET_PATH, transports: ['websocket'], reconnectionDelayMax: 5000 });
  return shared;
}
