import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, NO_SESSION, test } from './support/fixtures';
import { saveScreenshot } from './pages/screenshots';

/**
 * Another internal tool, on another origin, framing Streamwatch panels with the embed token an
 * admin issued for it (kept by the tool, one page per token: `/tool-<n>`), or with none (`/`).
 */
let host: Server;
let hostUrl: string;
const tokens = new Map<string, string>();
const toolPage = (token: string): string => {
  const id = `tool-${tokens.size + 1}`;
  tokens.set(id, token);
  return `${hostUrl}${id}`;
};

test.beforeAll(async ({ baseURL }) => {
  host = createServer((req, res) => {
    const token = tokens.get(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const src = (panel: string) => `${baseURL}/embed/${panel}${token ? `?token=${token}` : ''}`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html><body style="margin:0;font-family:sans-serif;background:#fff">
  <h1 style="font-size:16px">Payments back office</h1>
  <iframe id="alerts" title="Fraud alerts" src="${src('alerts')}" style="width:560px;height:360px;border:1px solid #ccc"></iframe>
  <iframe id="kpis" title="KPIs" src="${src('kpis')}" style="width:560px;height:360px;border:1px solid #ccc"></iframe>
  <iframe id="map" title="Drivers" src="${src('map')}" style="width:560px;height:360px;border:1px solid #ccc"></iframe>
</body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise((r) => host.close(r));
});

test('panels framed by another origin with its embed token stream live, with card data withheld', async ({ page, baseURL, request }, testInfo) => {
  expect(new URL(hostUrl).origin).not.toBe(new URL(baseURL!).origin);
  const issued = await request.post('/api/grants', { data: { label: 'payments back office', role: 'embed', panels: ['alerts', 'kpis', 'map'], origins: [new URL(hostUrl).origin], validForMs: 3_600_000 } });
  expect(issued.status()).toBe(201);
  const { token } = (await issued.json()) as { token: string };
  // A fresh browser: the embed is shown by its token, not by anyone's session.
  const context = await page.context().browser()!.newContext(NO_SESSION);
  page = await context.newPage();
  await page.goto(toolPage(token));
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
  await expect(alerts.locator('[data-testid="panel.alerts"] li').first()).toContainText('card hidden');
  await saveScreenshot(page, testInfo, 'embed');
  await context.close();
});

test('a panel framed by an origin its token does not name is refused by the browser (CSP frame-ancestors)', async ({ page, request }) => {
  const issued = await request.post('/api/grants', { data: { label: 'elsewhere', role: 'embed', panels: ['alerts', 'kpis', 'map'], origins: ['https://tools.example.com'], validForMs: 3_600_000 } });
  const { token } = (await issued.json()) as { token: string };
  const blocked: string[] = [];
  page.on('console', (m) => m.text().includes('frame-ancestors') && blocked.push(m.text()));
  await page.goto(toolPage(token));
  await expect.poll(() => blocked.length).toBe(3);
  await expect(page.frameLocator('#alerts').getByTestId('embed')).toHaveCount(0);
});

test('an unknown panel is a 404, not an empty frame', async ({ page }) => {
  const response = await page.goto('/embed/no-such-panel');
  expect(response?.status()).toBe(404);
});
