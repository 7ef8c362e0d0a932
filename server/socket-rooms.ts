import { roles, type Role } from '../lib/access';
import { protectionClassOf } from '../lib/protection';
import type { ServerToClientEvents } from '../lib/protocol';
import type { LiveServer } from './live-types';
import type { GatewayMetrics } from './metrics';

/**
 * Streams whose content differs by role go to one room per protection class (lib/protection.ts):
 * each room gets its own projection, so a frame never carries more than its receivers may see.
 */
export const classRoom = (stream: string, role: Role): string => `${stream}:${protectionClassOf(role)}`;
/** One role per protection class: whose projection a class room gets. */
const classes = [...new Map(roles.map((r) => [protectionClassOf(r), r])).values()];

export const roomSize = (io: LiveServer, room: string): number => io.sockets.adapter.rooms.get(room)?.size ?? 0;

/** Sends each protection class's room of `stream` its own projection of the same value (null: nothing). */
export function emitPerClass<E extends keyof ServerToClientEvents>(
  io: LiveServer,
  metrics: GatewayMetrics,
  stream: string,
  event: E,
  project: (role: Role) => Parameters<ServerToClientEvents[E]>[0] | null,
): void {
  for (const role of classes) {
    const room = classRoom(stream, role);
    if (roomSize(io, room) === 0) continue;
    const shown = project(role);
    if (shown === null) continue;
    (io.to(room).emit as (e: E, v: typeof shown) => boolean)(event, shown);
    metrics.messagesOut.inc({ event }, roomSize(io, room));
  }
}
