import type { Server, Socket } from 'socket.io';
import type { Principal } from '../lib/access';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol';

/** What the gateway keeps on each socket: who it is, set once the handshake is admitted. */
export interface SocketData {
  principal: Principal;
  /** A wall or embed admitted by its HttpOnly screen cookie: its renewals go to the cookie (POST /auth/screen), not over the socket. */
  screenCookie?: boolean;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type LiveClient = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
