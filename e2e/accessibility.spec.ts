import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures';

/**
 * WCAG 2.1 A and AA, as axe-core judges them, on every page as the admin sees it (every panel
 * present), and on the sign-in page. Each page is audited once its live content has arrived.
 */
const wcag = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const pages: [string, string][] = [
  ['/', 'panel.drivers'],
  ['/wall', 'panel.drivers'],
  ['/fraud', 'fraud.queue'],
  ['/lag', 'lag.table'],
  ['/pipeline', 'pipeline.node.job:driversPositions'],
  ['/admin', 'admin.issue'],
  ['/embed/alerts', 'panel.alerts'],
];

for (const [path, ready] of pages) {
  test(`${path} has no WCAG 2.1 A/AA violations`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByTestId(ready)).toBeVisible({ timeout: 150_000 });
    const { violations } = await new AxeBuilder({ page }).withTags(wcag).analyze();
    expect(violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
  });
}

test('the sign-in page has no WCAG 2.1 A/AA violations', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByLabel('User name')).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(wcag).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
  await context.close();
});
