'use client';

import { formatAge } from '../lib/format-age';
import { useDrivers } from './live/use-drivers';
import { useNow } from './live/use-latest';

const connectionLabel = { connecting: 'connecting…', live: 'live', degraded: 'degraded: Kafka unreachable', reconnecting: 'reconnecting…' } as const;
const connectionDot = { connecting: 'bg-en-route', live: 'bg-idle', degraded: 'bg-en-route', reconnecting: 'bg-red-500' } as const;

/** Driver count, connection state and how fresh the data is. */
export function StatusBar() {
  const frame = useDrivers();
  const now = useNow(250);
  const connection = frame?.connection === 'live' && frame.degraded ? 'degraded' : (frame?.connection ?? 'connecting');
  return (
    <dl className="flex items-center gap-5 text-sm" aria-live="polite">
      <div className="flex items-center gap-1.5">
        <dt className="sr-only">Connection</dt>
        <span className={`h-2 w-2 rounded-full ${connectionDot[connection]}`} aria-hidden />
        <dd data-testid="status.connection" title={connection === 'degraded' && frame?.degradedStreams.length ? `Not receiving from Kafka: ${frame.degradedStreams.join(', ')}` : undefined}>
          {connection === 'degraded' && frame?.degradedStreams.length ? `degraded: ${frame.degradedStreams.join(', ')} not receiving` : connectionLabel[connection]}
        </dd>
      </div>
      <div>
        <dt className="inline text-muted">Drivers </dt>
        <dd className="inline tabular-nums" data-testid="status.drivers">
          {(frame?.count ?? 0).toLocaleString('en-US')}
        </dd>
      </div>
      <div>
        <dt className="inline text-muted">Updated </dt>
        <dd className="inline tabular-nums" data-testid="status.freshness">
          {frame && frame.receivedAt > 0 ? `${formatAge(now - frame.receivedAt)} ago` : '—'}
        </dd>
      </div>
      <div>
        <dt className="inline text-muted">Event lag </dt>
        <dd className="inline tabular-nums" data-testid="status.event-lag">
          {frame && frame.newestEventTime > 0 ? formatAge(now - frame.newestEventTime) : '—'}
        </dd>
      </div>
    </dl>
  );
}
