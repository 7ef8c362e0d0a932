import { maySubscribe, principalMaySubscribe } from '../lib/access';
import type { LagHistorySnapshot } from '../lib/lag/lag-history';
import type { LagReport } from '../lib/lag/lag-report';
import type { PipelineStatus } from '../lib/pipeline-status';
import { showPipelineData } from '../lib/protection';
import type { PipelineData } from '../lib/protocol';
import type { AuditView } from './audit';
import type { LiveClient, LiveServer } from './live-types';
import type { GatewayMetrics } from './metrics';
import { classRoom, emitPerClass, roomSize } from './socket-rooms';
import { principalOf, type SocketAccess } from './socket-access';

const LAG_ROOM = 'lag';
const AUDIT_ROOM = 'audit';

interface OpsOptions {
  readonly access: SocketAccess;
  readonly metrics: GatewayMetrics;
}

/** Consumer lag: the 24-hour history and the latest report on subscribe, then each new report (it is small). */
export class LagSocket {
  constructor(
    private readonly io: LiveServer,
    private readonly o: OpsOptions & { readonly report: () => LagReport; readonly history: () => LagHistorySnapshot },
  ) {}

  attach(socket: LiveClient): void {
    socket.on('lag:subscribe', () => {
      if (!this.o.access.maySubscribe(socket, 'lag')) return;
      void socket.join(LAG_ROOM);
      socket.emit('lag:history', this.o.history());
      socket.emit('lag:report', this.o.report());
      this.o.metrics.messagesOut.inc({ event: 'lag:history' });
      this.o.metrics.messagesOut.inc({ event: 'lag:report' });
    });
    socket.on('lag:unsubscribe', () => void socket.leave(LAG_ROOM));
  }

  publish(report: LagReport): void {
    this.io.to(LAG_ROOM).emit('lag:report', report);
    this.o.metrics.messagesOut.inc({ event: 'lag:report' }, roomSize(this.io, LAG_ROOM));
  }

  /** The history again, to pages that subscribed before the gateway had read all of it. */
  publishHistory(): void {
    const n = roomSize(this.io, LAG_ROOM);
    if (n === 0) return;
    this.io.to(LAG_ROOM).emit('lag:history', this.o.history());
    this.o.metrics.messagesOut.inc({ event: 'lag:history' }, n);
  }
}

/**
 * The pipeline page: Flink job status and topic sizes for pipeline viewers, quarantined records
 * for those who may see them (fraud analysts): one subscription, each part checked on its own.
 */
export class PipelineSocket {
  constructor(
    private readonly io: LiveServer,
    private readonly o: OpsOptions & { readonly status: () => PipelineStatus; readonly data: () => PipelineData },
  ) {}

  attach(socket: LiveClient): void {
    socket.on('pipeline:subscribe', () => {
      const p = principalOf(socket);
      const status = principalMaySubscribe(p, 'pipeline');
      const samples = principalMaySubscribe(p, 'quarantine');
      if (!status && !samples) return void this.o.access.maySubscribe(socket, 'pipeline');
      if (samples) this.o.access.maySubscribe(socket, 'quarantine');
      void socket.join(classRoom('pipeline', p.role));
      if (status) socket.emit('pipeline:status', this.o.status());
      socket.emit('pipeline:data', showPipelineData(this.o.data(), p.role));
    });
  }

  publishStatus(status: PipelineStatus): void {
    // Quarantine-only classes (fraud analysts) share the room but not the job status.
    emitPerClass(this.io, this.o.metrics, 'pipeline', 'pipeline:status', (role) => (maySubscribe(role, 'pipeline') ? status : null));
  }

  publishData(data: PipelineData): void {
    emitPerClass(this.io, this.o.metrics, 'pipeline', 'pipeline:data', (role) => showPipelineData(data, role));
  }
}

/** The audit trail for admins: the newest events on subscribe, then new ones each tick. */
export class AuditSocket {
  constructor(
    private readonly io: LiveServer,
    private readonly o: OpsOptions & { readonly audit: AuditView },
  ) {}

  attach(socket: LiveClient): void {
    socket.on('audit:subscribe', () => {
      if (!this.o.access.maySubscribe(socket, 'audit')) return;
      void socket.join(AUDIT_ROOM);
      socket.emit('audit:snapshot', this.o.audit.recent());
    });
  }

  tick(): void {
    const fresh = this.o.audit.takeFresh();
    if (fresh.length > 0 && roomSize(this.io, AUDIT_ROOM) > 0) this.io.to(AUDIT_ROOM).emit('audit:events', fresh);
  }
}
