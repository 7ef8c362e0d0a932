import type { IncomingMessage, ServerResponse } from 'node:http';
import next from 'next';
import pino from 'pino';
import { loadConfig } from './config';
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
  const app = config.serveUi ? next({ dev: config.dev, hostname: config.host, port: config.port, dir: process.cwd() }) : null;
  await app?.prepare();
  const handle = app?.getRequestHandler();
  const gateway = await startGateway(config, log, handle ? (req, res) => handle(req, res) : noPages);
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
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(1);
}
