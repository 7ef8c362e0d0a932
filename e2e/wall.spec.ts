import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { staleAfterMs } from '../lib/freshness';
import { saveScreenshot } from './pages/screenshots';
import { WallPage } from './pages/wall-page';

/**
 * The wall on a gateway of the test's own (pages and socket, on the e2e stack's broker), so
 * the test can really stop it: SIGKILL, as a crash or a pulled plug, then start it again.
 */
let gateway: ChildProcess | null = null;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
  });
}

async function startGateway(): Promise<void> {
  gateway = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      KAFKA_BROKERS: `127.0.0.1:${process.env.E2E_KAFKA_PORT ?? '29092'}`,
      GATEWAY_ID: 'e2e-wall',
      NEXT_DIST_DIR: '.next-e2e-wall',
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return;
    if (gateway.exitCode !== null || i > 600) throw new Error('the wall test gateway did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function killGateway(): Promise<void> {
  const g = gateway;
  if (!g || g.exitCode !== null) return;
  const exited = new Promise((r) => g.once('exit', r));
  g.kill('SIGKILL');
  await exited;
}

test.afterAll(async () => {
  await killGateway();
});

test('the wall turns STALE when its gateway is killed and recovers when it is back', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  port = await freePort();
  await startGateway();
  await page.setViewportSize({ width: 1920, height: 1080 });
  const wall = new WallPage(page);
  await wall.open(`http://127.0.0.1:${port}`);
  await expect(wall.panel('drivers')).toHaveAttribute('data-freshness', 'fresh', { timeout: 150_000 });
  await expect(wall.panel('alerts')).toHaveAttribute('data-freshness', 'fresh');
  await expect(wall.unreachableBanner()).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'wall');

  const driversStale = wall.whenFreshness('drivers', 'stale');
  const alertsStale = wall.whenFreshness('alerts', 'stale');
  const killedAt = await page.evaluate(() => Date.now());
  await killGateway();
  await expect(wall.unreachableBanner()).toBeVisible();
  const [drivers, alerts] = await Promise.all([driversStale, alertsStale]);
  await expect(wall.panel('drivers').getByTestId('panel.drivers.freshness')).toHaveText(/^STALE · /);
  await saveScreenshot(page, testInfo, 'wall-stale');

  // (The dev server may reload the page when it is back: poll from here, not in the page.)
  const restartedAt = Date.now();
  await startGateway();
  await expect(wall.panel('drivers')).toHaveAttribute('data-freshness', 'fresh', { timeout: 90_000 });
  const recovered = Date.now();
  await expect(wall.unreachableBanner()).toHaveCount(0, { timeout: 30_000 });
  await expect(wall.panel('alerts')).toHaveAttribute('data-freshness', 'fresh');
  console.log(
    `[wall] gateway killed: drivers STALE after ${drivers - killedAt} ms (threshold ${staleAfterMs.drivers} ms), alerts after ${alerts - killedAt} ms ` +
      `(threshold ${staleAfterMs.alerts} ms); fresh again ${recovered - restartedAt} ms after the gateway was started again (its start, Kafka replay and the socket's retry backoff included)`,
  );
});
