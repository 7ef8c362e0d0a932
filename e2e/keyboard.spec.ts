import { FraudPage } from './pages/fraud-page';
import { expect, test } from './support/fixtures';
import { E2E_ADMIN } from './support/people';

/**
 * Keyboard only: sign in, triage an alert, open the lag page; no pointer anywhere. Every step
 * moves focus with Tab or acts with Enter and the triage keys, as someone without a mouse would.
 */
test('sign in, triage an alert and open the lag page with the keyboard alone', async ({ browser }) => {
  // Nobody signed in: the project's stored sign-in is not wanted here.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/fraud');
  await expect(page).toHaveURL(/\/login/);
  // The user name field has focus on arrival.
  await page.keyboard.type(E2E_ADMIN.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(E2E_ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/fraud$/);

  const fraud = new FraudPage(page);
  const alertId = await fraud.firstNewAlert();
  // Tab into the queue, move to the untouched alert, acknowledge it.
  const queue = page.getByTestId('fraud.queue');
  for (let i = 0; i < 30 && !(await queue.evaluate((el) => el.contains(document.activeElement))); i++) await page.keyboard.press('Tab');
  await expect(queue.locator(':focus')).toHaveCount(1);
  for (let i = 0; i < 50 && (await page.locator(':focus').getAttribute('data-testid')) !== `fraud.alert.${alertId}`; i++) await page.keyboard.press('j');
  await expect(fraud.alert(alertId)).toBeFocused();
  await page.keyboard.press('a');
  await expect(fraud.statusOf(alertId)).toHaveText('acknowledged');

  // To the lag page through the header's links.
  const lagLink = page.getByRole('link', { name: 'Lag', exact: true });
  for (let i = 0; i < 60 && !(await lagLink.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Shift+Tab');
  await expect(lagLink).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/lag$/);
  await expect(page.getByTestId('lag.table')).toBeVisible();
  await context.close();
});
