import type { IncomingMessage, ServerResponse } from 'node:http';
import next from 'next';
import pino from 'pino';
import { loadConfig } from './config';
import { startGateway } from './gateway';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Socket and ops endpoints only: pages are someone else's job on this instance. */
const noPages: Handler = (_req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('This gateway serves the live socket and /healthz, /readyz, /metrics only (SERVE_UI=false).\n');
};

try {
  const config = loadConfig(process.env);
  const log = pino({ name: 'gateway', level: config.logLevel });
  const app = config.serveUi ? next({ dev: config.dev, hostname: config.host, port: config.port, dir: process.cwd() }) : null;
  await app?.prepare();
  const handle = app?.getRequestHandler();
  const gateway = await startGateway(config, log, handle ? (req, res) => void handle(req, res) : noPages);
  log.info({ url: `http://${config.host}:${config.port}`, gatewayId: config.gatewayId, dev: config.dev, serveUi: config.serveUi }, 'gateway listening');
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'gateway stopping');
    await gateway.close();
    await app?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(1);
}
