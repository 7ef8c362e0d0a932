import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import { DriverIngest } from './driver-ingest';
import { DriverView } from './driver-view';
import { handleHealth } from './health-routes';
import { attachLiveSocket } from './live-socket';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The gateway: Kafka -> driver view -> Socket.IO, plus health routes, on one HTTP server.
 * Page requests go to `pages` (Next.js in the product, a stub in tests).
 */
export async function startGateway(config: GatewayConfig, log: Logger, pages: RequestHandler, clock: { now(): number } = Date) {
  const view = new DriverView();
  const ingest = new DriverIngest({ brokers: config.brokers, gatewayId: config.gatewayId, view, log });
  const health = {
    ready: () => ingest.ready,
    details: () => ({ drivers: view.size, newestEventTime: view.newestEventTime, ingest: ingest.stats }),
  };
  const server = createServer((req, res) => {
    if (handleHealth(req, res, health)) return;
    Promise.resolve(pages(req, res)).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'page handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const socket = attachLiveSocket(server, { view, isReady: () => ingest.ready, deltaIntervalMs: config.deltaIntervalMs, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  await ingest.start();
  const expiry = setInterval(() => {
    const expired = view.expireOlderThan(clock.now() - config.driverTtlMs);
    if (expired > 0) log.info({ expired, ttlMs: config.driverTtlMs }, 'expired drivers that stopped reporting');
  }, 5_000);
  return {
    server,
    view,
    ingest,
    close: async () => {
      clearInterval(expiry);
      await socket.close();
      await ingest.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
