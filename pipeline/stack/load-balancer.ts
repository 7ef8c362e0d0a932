import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './preflight';
import type { RestartPolicy, Supervised, Supervisor } from './supervisor';

const run = promisify(execFile);

export interface LoadBalancerOptions {
  readonly dataDir: string;
  readonly host: string;
  /** Where browsers connect: the only address they are given. */
  readonly port: number;
  /** The gateways' ports on `host`. */
  readonly gateways: readonly number[];
  readonly restart?: RestartPolicy;
}

/** The cookie that pins a browser to one gateway, for Socket.IO's polling transport. */
export const GATEWAY_COOKIE = 'sw_gateway';

/**
 * A gateway is taken out after this many failed /readyz checks, one a second, and back after two
 * good ones. A dead gateway refuses the connection, which fails a check at once; a living one gets
 * `timeoutMs` to answer: with HAProxy's default (the interval, 1 s), two slow answers from a
 * gateway busy with a catch-up burst on two loaded cores took it out and cut all its sockets
 * (`shutdown-sessions`) while it was serving them (seen in a cluster run after a broker death).
 */
export const HEALTH_CHECK = { intervalMs: 1000, timeoutMs: 3000, fall: 2, rise: 2 } as const;

/**
 * HAProxy's configuration. HAProxy rather than nginx: open-source nginx has only passive health
 * checks (a gateway is marked down after requests to it fail), while HAProxy probes /readyz
 * itself, so a gateway that is up but not caught up gets no traffic, and a dead one is out
 * within two seconds. Polling requests stick to their gateway by a cookie (Socket.IO's polling
 * transport needs its session's gateway); a dead gateway's clients are sent to the other one
 * (redispatch), as is a GET whose gateway died before answering. WebSocket upgrades pass through; a tunnel may idle for an hour.
 */
export function haproxyConfig(o: LoadBalancerOptions): string {
  const servers = o.gateways.map((port, i) => `  server gateway-${i + 1} ${o.host}:${port} check cookie gateway-${i + 1}`);
  return [
    '# Written by the Streamwatch stack on every start; edit pipeline/stack/load-balancer.ts instead.',
    'global',
    '  log stdout format raw local0 notice',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlognull',
    '  option forwardfor',
    // A retry goes to another gateway. Besides refused connections, a GET whose gateway closed
    // the connection without answering (it died mid-request) is retried: the browser sees nothing.
    '  option redispatch 1',
    '  retries 2',
    '  retry-on conn-failure empty-response',
    '  timeout connect 3s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-request 10s',
    '  timeout tunnel 1h',
    '',
    'frontend browsers',
    `  bind ${o.host}:${o.port}`,
    // The gateways trust loopback for their ops routes; through the balancer everyone is loopback.
    '  http-request deny deny_status 403 if { path /metrics }',
    '  default_backend gateways',
    '',
    'backend gateways',
    '  balance roundrobin',
    // What a dead gateway may have acted on (a sign-in, a triage action) is not sent again.
    '  http-request disable-l7-retry unless METH_GET || METH_OPTIONS',
    `  cookie ${GATEWAY_COOKIE} insert indirect nocache httponly attr "SameSite=Lax"`,
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    `  timeout check ${HEALTH_CHECK.timeoutMs}ms`,
    `  default-server inter ${HEALTH_CHECK.intervalMs} fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise} on-marked-down shutdown-sessions`,
    ...servers,
    '',
  ].join('\n');
}

export async function requireHaproxy(): Promise<string> {
  try {
    const { stdout } = await run('haproxy', ['-v']);
    return stdout.split('\n')[0] ?? 'haproxy';
  } catch {
    throw new StackError(
      'The cluster topology puts its gateways behind HAProxy, but "haproxy" was not found.\n' +
        '  Fix: install it (Debian: apt-get install haproxy), or run the single-node topology (unset STACK_TOPOLOGY).',
    );
  }
}

/** HAProxy in the foreground (-db), checked before it starts (-c) so that a bad configuration says why. */
export async function startLoadBalancer(o: LoadBalancerOptions, supervisor: Supervisor): Promise<Supervised> {
  mkdirSync(o.dataDir, { recursive: true });
  const configFile = join(o.dataDir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig(o));
  try {
    await run('haproxy', ['-c', '-q', '-f', configFile]);
  } catch (err) {
    throw new StackError(`HAProxy rejected ${configFile}: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
  }
  return supervisor.start({
    name: 'balancer',
    command: 'haproxy',
    args: ['-db', '-f', configFile],
    restart: o.restart,
    logFile: join(o.dataDir, 'haproxy.log'),
    // Request lines go to the file; the terminal gets a gateway going down or up.
    echo: (line) => (/Server gateways\/|backend .* has no server available/.test(line) ? line : null),
  });
}
