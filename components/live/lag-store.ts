import type { LagReport } from '../../lib/lag/lag-report';
import type { LiveSocket } from './socket-connection';

/** The latest consumer-lag report, outside React; subscribes on every (re)connect. */
export class LagStore {
  private report: LagReport | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(socket: LiveSocket) {
    socket.on('connect', () => socket.emit('lag:subscribe'));
    socket.on('lag:report', (r) => {
      this.report = r;
      for (const l of this.listeners) l();
    });
    if (socket.connected) socket.emit('lag:subscribe');
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LagReport | null => this.report;
}
