import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { saveScreenshot } from './pages/screenshots';

/** Another internal tool, on another origin, framing two Streamwatch panels. */
let host: Server;
let hostUrl: string;

test.beforeAll(async ({ baseURL }) => {
  host = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html><body style="margin:0;font-family:sans-serif;background:#fff">
  <h1 style="font-size:16px">Payments back office</h1>
  <iframe id="alerts" title="Fraud alerts" src="${baseURL}/embed/alerts" style="width:560px;height:360px;border:1px solid #ccc"></iframe>
  <iframe id="kpis" title="KPIs" src="${baseURL}/embed/kpis" style="width:560px;height:360px;border:1px solid #ccc"></iframe>
  <iframe id="map" title="Drivers" src="${baseURL}/embed/map" style="width:560px;height:360px;border:1px solid #ccc"></iframe>
</body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise((r) => host.close(r));
});

test('a panel embedded on a page from another origin streams live', async ({ page, baseURL }, testInfo) => {
  expect(new URL(hostUrl).origin).not.toBe(new URL(baseURL!).origin);
  await page.goto(hostUrl);
  const alerts = page.frameLocator('#alerts');
  await expect(alerts.getByTestId('panel.alerts')).toHaveAttribute('data-freshness', 'fresh', { timeout: 150_000 });
  await expect(alerts.getByTestId('panel.alerts.new')).toHaveText(/^\d+$/);
  // The panel fills its frame and brings no navigation of its own.
  await expect(alerts.getByRole('navigation')).toHaveCount(0);
  const box = await alerts.getByTestId('embed').boundingBox();
  const frame = await page.locator('#alerts').boundingBox();
  expect(Math.abs(box!.width - (frame!.width - 2))).toBeLessThanOrEqual(1);
  await expect(page.frameLocator('#kpis').getByTestId('panel.kpis')).toBeVisible();
  // The map fills what its frame leaves below the panel title, and draws drivers.
  const map = page.frameLocator('#map').getByTestId('map.drivers');
  await expect(map).toHaveAttribute('data-rendered-drivers', /^[1-9]\d*$/, { timeout: 60_000 });
  expect((await map.boundingBox())!.height).toBeGreaterThan(250);
  await saveScreenshot(page, testInfo, 'embed');
});

test('an unknown panel is a 404, not an empty frame', async ({ page }) => {
  const response = await page.goto('/embed/no-such-panel');
  expect(response?.status()).toBe(404);
});
