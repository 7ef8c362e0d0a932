import type { Logger } from 'pino';
import type { LiveClient } from './live-types';
import type { GatewayMetrics } from './metrics';
import { principalOf } from './socket-access';

/** Largest frame a client may send: clients send only small control events. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;

export type RefusedFrame = 'oversized' | 'malformed';

/**
 * Counts and logs the frames a client's connection was closed for. Both are refused below
 * our handlers: the WebSocket layer closes a connection whose frame exceeds the limit (close
 * code 1009, "message too big"), and Socket.IO closes one whose packet does not decode.
 */
export function watchRefusedFrames(socket: LiveClient, metrics: GatewayMetrics, log: Logger): void {
  const refuse = (reason: RefusedFrame, detail: string): void => {
    metrics.framesRefused.inc({ reason });
    const who = principalOf(socket);
    log.warn({ id: socket.id, address: socket.handshake.address, who: who.name, role: who.role, reason, detail }, 'frame refused, connection closed');
  };
  // Socket.IO reports a packet that does not decode as an 'error' on the socket, then closes it.
  socket.on('error', (err: Error) => refuse('malformed', err.message.slice(0, 200)));
  socket.on('disconnect', (reason, description) => {
    const detail = description instanceof Error ? description.message : String(description ?? '');
    if (reason === 'transport error' && /max payload size exceeded/i.test(detail)) refuse('oversized', `frame over ${MAX_CLIENT_FRAME_BYTES} bytes`);
  });
}
