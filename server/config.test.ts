import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that run the local stack', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', brokers: ['127.0.0.1:19092'], dev: true, deltaIntervalMs: 150, serveUi: true });
    expect(c.gatewayId).toMatch(/-3000$/);
  });

  it('reads the environment', () => {
    const c = loadConfig({ PORT: '4100', KAFKA_BROKERS: 'k1:9092,k2:9092', NODE_ENV: 'production', GATEWAY_ID: 'gw-a', SERVE_UI: 'false' });
    expect(c).toMatchObject({ port: 4100, brokers: ['k1:9092', 'k2:9092'], dev: false, gatewayId: 'gw-a', serveUi: false });
  });

  it('names every invalid setting', () => {
    expect(() => loadConfig({ PORT: 'eighty', KAFKA_BROKERS: 'nohost', DELTA_INTERVAL_MS: '1', SERVE_UI: 'yes' })).toThrow(
      /PORT[\s\S]*KAFKA_BROKERS: "nohost" is not host:port[\s\S]*DELTA_INTERVAL_MS[\s\S]*SERVE_UI/,
    );
  });
});
