import next from 'next';
import pino from 'pino';
import { loadConfig } from './config';
import { startGateway } from './gateway';

try {
  const config = loadConfig(process.env);
  const log = pino({ name: 'gateway', level: config.logLevel });
  const app = next({ dev: config.dev, hostname: config.host, port: config.port, dir: process.cwd() });
  await app.prepare();
  const handle = app.getRequestHandler();
  const gateway = await startGateway(config, log, (req, res) => handle(req, res));
  log.info({ url: `http://${config.host}:${config.port}`, gatewayId: config.gatewayId, dev: config.dev }, 'gateway listening');
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'gateway stopping');
    await gateway.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(1);
}
