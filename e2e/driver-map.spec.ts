import { expect, test } from './support/fixtures';
import { DashboardPage } from './pages/dashboard-page';
import { saveScreenshot } from './pages/screenshots';

const sampleIds = Array.from({ length: 100 }, (_, i) => `drv-${String(i + 1).padStart(5, '0')}`);

test('the dashboard draws the live fleet and the drivers move', async ({ page }, testInfo) => {
  const dashboard = new DashboardPage(page);
  await dashboard.open();
  await expect(dashboard.connection()).toHaveText('live');

  await dashboard.waitForDrawnDrivers(1500);
  // The status bar counts what the map draws (both still climb while a cold fleet arrives).
  await expect
    .poll(async () => (await dashboard.driverCount().textContent()) === (await dashboard.renderedDrivers()).toLocaleString('en-US'), { timeout: 30_000 })
    .toBe(true);
  await expect(dashboard.freshness()).toHaveText(/^\d+(\.\d)? s ago$/);

  // On a cold stack the fleet's first pings are still arriving: wait for every sampled driver.
  await expect.poll(async () => (await dashboard.positionsOf(sampleIds)).filter((p) => p !== null).length, { timeout: 30_000 }).toBe(sampleIds.length);
  const before = await dashboard.positionsOf(sampleIds);
  // Drivers on a trip move a few metres a second: within seconds many of them have moved.
  await expect
    .poll(
      async () => {
        const after = await dashboard.positionsOf(sampleIds);
        return after.filter((p, i) => p && before[i] && (p[0] !== before[i][0] || p[1] !== before[i][1])).length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(20);

  await saveScreenshot(page, testInfo, 'overview');
});

test('the map needs nothing from outside this machine', async ({ page }) => {
  const hosts = new Set<string>();
  page.on('request', (request) => hosts.add(new URL(request.url()).hostname));
  const dashboard = new DashboardPage(page);
  await dashboard.open();
  await dashboard.waitForDrawnDrivers(1);
  expect([...hosts]).toEqual(['127.0.0.1']);
});

test('zoomed in, the map receives only the drivers around what it shows', async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.open();
  const whole = await dashboard.waitForDrawnDrivers(1500);
  // About a drawn driver, so that the zoomed-in view is sure to hold at least that one.
  const [driver] = await dashboard.driversNearCentre(1);
  await dashboard.zoom(6, (await dashboard.screenOf(driver!))!);
  // Between the old view and the new one the map can briefly hold none: wait for the new view.
  await expect.poll(async () => { const n = await dashboard.renderedDrivers(); return n > 0 && n < whole / 3; }, { timeout: 20_000 }).toBe(true);
  await dashboard.zoom(-8);
  await expect.poll(() => dashboard.renderedDrivers(), { timeout: 20_000 }).toBeGreaterThanOrEqual(whole * 0.95);
});

test('surge shows on the map as hexagons where demand outruns idle drivers', async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.open();
  await dashboard.waitForDrawnDrivers(100);
  // The first surge window closes about a minute after the stack starts producing.
  await expect.poll(() => dashboard.surgeCells(), { timeout: 120_000 }).toBeGreaterThan(0);
});

test('a driver clicked on the map is inspected and can be followed', async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.open();
  await dashboard.waitForDrawnDrivers(1500);
  const [cx, cy] = await dashboard.mapCentre();
  const candidates = await dashboard.driversNearCentre(8);
  expect(candidates.length).toBeGreaterThan(0);
  const inspector = page.getByTestId('map.inspector');
  // A dot can lie under an alert ring, which takes the click: try the next one then.
  for (const id of candidates) {
    const at = await dashboard.screenOf(id);
    if (!at) continue;
    await page.mouse.click(at[0], at[1]);
    if (await inspector.isVisible()) break;
    await page.waitForTimeout(300);
    if (await inspector.isVisible()) break;
  }
  await expect(inspector).toBeVisible();
  const shownId = await inspector.locator('h3').textContent();
  expect(shownId).toMatch(/^drv-\d{5}$/);
  await expect(inspector.getByTestId('map.inspector.status')).toHaveText(/^(idle|en route|on trip|offline)$/);

  await inspector.getByTestId('map.follow').check();
  // Followed, the driver stays at the centre of the map while it moves.
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(700);
    const [x, y] = (await dashboard.screenOf(shownId!))!;
    expect(Math.hypot(x - cx, y - cy)).toBeLessThan(3);
  }
  await inspector.getByRole('button', { name: 'Close driver details' }).click();
  await expect(inspector).toHaveCount(0);
});
