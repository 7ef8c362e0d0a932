import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/support/chromium';
import { OIDC_CLIENT } from './e2e/support/oidc-provider';
import { E2E_ADMIN, E2E_OIDC_PORT, signedInAs } from './e2e/support/people';

/**
 * Browser journeys in Debian's Chromium (never a downloaded browser) against the real product:
 * the web server below is the README's run command (the production build, served) with its own
 * ports and data directory.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    // Signs the admin in with a password and the others through single sign-on; journeys reuse the cookies.
    { name: 'sign-in', testMatch: /auth\.setup\.ts$/, teardown: 'exposure-scan' },
    { name: 'journeys', dependencies: ['sign-in'], testIgnore: /(auth\.setup|exposure\.scan)\.ts$/, use: { storageState: signedInAs('admin') } },
    // After every journey: no card number or raw rider id in what the run sent, showed or logged.
    { name: 'exposure-scan', testMatch: /exposure\.scan\.ts$/ },
  ],
  webServer: {
    command: 'node --import tsx pipeline/stack/cli.ts',
    // Journeys start once positions flow end to end (the stack's own verdict, after it has loaded
    // the dashboard once), not when the gateway first answers.
    wait: { stdout: /Streamwatch is live: / },
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      STREAMWATCH_HOME: '.streamwatch/e2e',
      PORT: String(port),
      KAFKA_PORT: process.env.E2E_KAFKA_PORT ?? '29092',
      KAFKA_CONTROLLER_PORT: process.env.E2E_KAFKA_CONTROLLER_PORT ?? '29093',
      KAFKA_BROKERS: '',
      SIM_DRIVERS: '2000',
      // Lag verdicts over 12 s instead of a minute, so the lag journey sees STALL and OK in time.
      LAG_POLL_MS: '2000',
      LAG_WINDOW: '6',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      STREAMWATCH_ADMIN_PASSWORD: E2E_ADMIN.password,
      // The sign-in setup starts this provider; the gateway discovers it on first use.
      OIDC_ISSUER: `http://127.0.0.1:${E2E_OIDC_PORT}`,
      OIDC_CLIENT_ID: OIDC_CLIENT.id,
      OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
      // Short-lived screen tokens, so that the wall journey sees one renewed.
      TOKEN_TTL_MS: '8000',
    },
  },
});
