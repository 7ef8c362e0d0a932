import { chromium } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { signedInAs } from './support/people';
import { WallPage } from './pages/wall-page';

/**
 * A wall whose browser has no WebGL (a kiosk without a GPU driver, say): the map panel says it
 * failed, and why, while every other panel stays live. Before panels had boundaries of their
 * own, the map stayed an empty dark rectangle, which reads as "no drivers".
 */
test('a panel that fails shows its own failure and the others stay live', async ({ baseURL }, testInfo) => {
  const launch = testInfo.project.use.launchOptions ?? {};
  const noWebGl = await chromium.launch({ ...launch, args: [...(launch.args ?? []), '--disable-3d-apis'] });
  try {
    const context = await noWebGl.newContext({ baseURL, storageState: signedInAs('admin'), viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const wall = new WallPage(page);
    await wall.open();
    await expect(wall.panel('drivers').getByTestId('panel.failed')).toBeVisible({ timeout: 60_000 });
    await expect(wall.panel('drivers').getByTestId('panel.failed')).toContainText('This panel failed.');
    await expect(wall.panel('alerts')).toHaveAttribute('data-freshness', 'fresh');
    await expect(wall.panel('kpis')).not.toHaveAttribute('data-freshness', 'stale');
    await expect(wall.panel('pipeline')).toHaveAttribute('data-freshness', 'fresh');
    expect(errors.some((e) => e.includes('panel "Drivers'))).toBe(true);
    await context.close();
  } finally {
    await noWebGl.close();
  }
});
