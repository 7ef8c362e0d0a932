import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from './config';
import { startDevPages } from './dev-pages';
import { startGateway } from './gateway';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const STOP_GRACE_MS = 8_000;

/** Socket and ops endpoints only: pages are someone else's job on this instance. */
const noPages: Handler = (_req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('This gateway serves the live socket and /healthz, /readyz, /metrics only (SERVE_UI=false).\n');
};

try {
  const config = loadConfig(process.env);
  const log = pino({ name: 'gateway', level: config.logLevel });
  // Every request and stream awaits its work; a rejection that still gets here is a bug to see in
  // the log, not a reason to drop every viewer's connection.
  let countUnhandled = (): void => undefined;
  process.on('unhandledRejection', (reason) => {
    countUnhandled();
    log.error({ err: reason }, 'unhandled promise rejection (a bug: some path did not await its work); the gateway keeps running');
  });
  // Production serves the build in this process; development runs `next dev` in its own (see dev-pages.ts).
  const devPages = config.serveUi && config.dev ? await startDevPages(process.cwd(), await freeLoopbackPort(), log) : null;
  const app = config.serveUi && !config.dev ? (await import('next')).default({ dev: false, hostname: config.host, port: config.port, dir: process.cwd() }) : null;
  await app?.prepare();
  const handle = app?.getRequestHandler();
  const pages = devPages ? devPages.handle : handle ? (req: IncomingMessage, res: ServerResponse) => handle(req, res) : noPages;
  const gateway = await startGateway(config, log, pages);
  if (devPages) gateway.server.on('upgrade', devPages.upgrade);
  countUnhandled = () => gateway.metrics.unhandledRejections.inc();
  log.info({ url: `http://${config.host}:${config.port}`, gatewayId: config.gatewayId, dev: config.dev, serveUi: config.serveUi }, 'gateway listening');
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    // A second signal, or a close that hangs (a dev server's watchers, a broker gone), ends it.
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'gateway stopping');
    setTimeout(() => {
      log.warn({ afterMs: STOP_GRACE_MS }, 'gateway did not stop in time; exiting');
      process.exit(1);
    }, STOP_GRACE_MS).unref();
    await gateway.close();
    await app?.close();
    await devPages?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(1);
}

/** A free TCP port on loopback, for a helper process only this gateway talks to. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
