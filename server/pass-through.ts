import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/**
 * Passes requests, and WebSocket upgrades under `upgradePrefix`, through to a server on a
 * loopback port, byte for byte: method, path, headers and body one way, status, headers and
 * body the other.
 */
export function passThrough(port: number, upgradePrefix: string, log: Logger) {
  /** A request, answered by the server behind; 502 with a reason when it does not answer. */
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
        log.warn({ err, url: req.url?.split('?')[0] }, 'the server behind did not answer');
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('The page server behind the gateway is not answering; see the gateway log.\n');
        else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  }

  /** An upgrade under the prefix, piped through as raw bytes; others are left to their owners. */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!req.url?.startsWith(upgradePrefix)) return;
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
    socket.once('close', () => upstream.destroy());
  }

  return { handle, upgrade };
}
