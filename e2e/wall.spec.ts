import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures';
import { staleAfterMs } from '../lib/freshness';
import { saveScreenshot } from './pages/screenshots';
import { WallPage } from './pages/wall-page';

// The gateway's socket is cut in the browser (WebSocket routing): a really killed dev-mode
// gateway sometimes left the restarted one not answering socket upgrades, so
// the real kill is proven with Node clients in server/gateway-processes.faults.test.ts.
test('the wall turns STALE when the gateway goes away and recovers when it returns', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1920, height: 1080 });
  const wall = new WallPage(page);
  await wall.open();
  await expect(wall.panel('drivers')).toHaveAttribute('data-freshness', 'fresh', { timeout: 150_000 });
  await expect(wall.panel('alerts')).toHaveAttribute('data-freshness', 'fresh');
  await expect(wall.panel('pipeline')).toHaveAttribute('data-freshness', 'fresh');
  await expect(wall.unreachableBanner()).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'wall');

  const driversStale = wall.whenFreshness('drivers', 'stale');
  const alertsStale = wall.whenFreshness('alerts', 'stale');
  const cutAt = await page.evaluate(() => Date.now());
  await wall.cutGateway();
  await expect(wall.unreachableBanner()).toBeVisible();
  const [drivers, alerts] = await Promise.all([driversStale, alertsStale]);
  await expect(wall.panel('drivers').getByTestId('panel.drivers.freshness')).toHaveText(/^STALE · /);
  await saveScreenshot(page, testInfo, 'wall-stale');
  // Stale is where contrast used to fail (faded panels, a pulsing badge): audited there too.
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id} (${v.nodes.length})`)).toEqual([]);

  const driversFresh = wall.whenFreshness('drivers', 'fresh');
  const restoredAt = await page.evaluate(() => Date.now());
  wall.restoreGateway();
  const recovered = await driversFresh;
  await expect(wall.unreachableBanner()).toHaveCount(0, { timeout: 30_000 });
  await expect(wall.panel('alerts')).toHaveAttribute('data-freshness', 'fresh');
  console.log(
    `[wall] gateway cut: drivers STALE after ${drivers - cutAt} ms (threshold ${staleAfterMs.drivers} ms), alerts after ${alerts - cutAt} ms ` +
      `(threshold ${staleAfterMs.alerts} ms); fresh again ${recovered - restoredAt} ms after the gateway came back (the socket's retry backoff included)`,
  );
});
