import pino from 'pino';
import { loadConfig } from '../config';
import { startGateway, type RequestHandler } from '../gateway';
import { testAccessEnv } from './credentials';

export type TestGateway = Awaited<ReturnType<typeof startGateway>>;

const noPages: RequestHandler = (_req, res) => void res.writeHead(404).end();

/**
 * A gateway in this process for a test: the test secrets and a fresh state directory, a
 * silent log, no pages; `env` names its port, brokers and whatever else the test tunes.
 */
export function startTestGateway(env: Record<string, string>, pages: RequestHandler = noPages): Promise<TestGateway> {
  return startGateway(loadConfig({ ...testAccessEnv(), ...env }), pino({ level: 'silent' }), pages);
}
