import { spawn } from 'node:child_process';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

/**
 * Development only: Next's dev server (hot reload) in a process of its own on a loopback port,
 * and the gateway passing page requests and its hot-reload socket through to it.
 *
 * Why not in the gateway's process, as production serves its build: React's development server
 * renderer installs a process-wide async_hooks hook that records every promise for its debug
 * tooling, linked to the promise that awaited it. In the gateway, whose Kafka loops await for
 * ever, those chains never end: the process grew ~120 MB a minute (README, "Development").
 */
export async function startDevPages(root: string, port: number, log: Logger) {
  const child = spawn(process.execPath, [`${root}/node_modules/next/dist/bin/next`, 'dev', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => log.info({ next: line }, 'next dev'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => log.warn({ code, signal }, 'next dev exited'));
  const target = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${target}/icon.svg`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
    if (up) break;
    if (child.exitCode !== null || tries > 300) throw new Error(`next dev did not start on ${target} (see the gateway log)`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log.info({ target }, 'next dev is serving pages behind the gateway');

  /** A page request, passed through with its method, path, headers and body. */
  function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      // A browser that goes away mid-answer ends the request too.
      res.once('close', () => resolve());
      const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', resolve);
        answer.once('error', () => resolve());
      });
      upstream.once('error', (err) => {
        log.warn({ err, url: req.url?.split('?')[0] }, 'next dev did not answer');
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('The development page server is not answering; see the gateway log.\n');
        else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  }

  /** Next's hot-reload WebSocket (/_next/...), piped through as raw bytes. */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!req.url?.startsWith('/_next/')) return;
    const upstream = connect(port, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const end = (): void => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.once('error', end);
    socket.once('error', end);
  }

  return {
    handle,
    upgrade,
    async close(): Promise<void> {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
