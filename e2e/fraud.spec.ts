import { expect, test } from './support/fixtures';
import { FraudPage } from './pages/fraud-page';
import { saveScreenshot } from './pages/screenshots';
import { signedInAs } from './support/people';

test('an alert acknowledged in one browser shows acknowledged in another at once', async ({ browser }, testInfo) => {
  const [asha, ravi] = await Promise.all([browser.newContext({ storageState: signedInAs('asha') }), browser.newContext({ storageState: signedInAs('ravi') })]);
  const a = new FraudPage(await asha.newPage());
  const b = new FraudPage(await ravi.newPage());
  await Promise.all([a.open(), b.open()]);

  // The simulator injects fraud every few seconds; Flink's rules raise the alerts.
  const alertId = await a.firstNewAlert();
  await expect(b.statusOf(alertId)).toHaveText('new');
  const seenByRavi = b.watchStatus(alertId, 'acknowledged');

  await a.alert(alertId).click();
  await expect(a.page.getByTestId('fraud.detail.card')).toHaveText(/^\d{6}•+\d{4}$/);
  const pressedAt = await a.page.evaluate(() => Date.now());
  await a.page.keyboard.press('a');
  const shownAt = await seenByRavi;
  await expect(a.statusOf(alertId)).toHaveText('acknowledged');
  console.log(`[fraud] acknowledge pressed in one browser, shown in the other ${shownAt - pressedAt} ms later`);

  // Assign and comment from the second browser; the first sees both, with who did it.
  await b.alert(alertId).click();
  await b.page.getByRole('button', { name: /^Assign/ }).click();
  await expect(a.statusOf(alertId)).toHaveText('assigned');
  await expect(a.page.getByTestId('fraud.detail')).toContainText('assigned to ravi');
  await b.page.getByRole('textbox', { name: 'Comment' }).fill('card blocked with the issuer');
  await b.page.getByRole('button', { name: 'Comment' }).click();
  await expect(a.page.getByTestId('fraud.comments')).toContainText('ravi: card blocked with the issuer');

  await saveScreenshot(a.page, testInfo, 'fraud');
  await Promise.all([asha.close(), ravi.close()]);
});

test('a half-typed comment and assignee stay with their alert, not the next one selected', async ({ page }) => {
  const fraud = new FraudPage(page);
  await fraud.open();
  const items = page.locator('[data-testid^="fraud.alert."]');
  await expect(items.nth(1)).toBeVisible({ timeout: 150_000 });
  const [first, second] = await Promise.all([items.nth(0).getAttribute('data-testid'), items.nth(1).getAttribute('data-testid')]);
  await page.getByTestId(first!).click();
  await page.getByRole('textbox', { name: 'Comment' }).fill('half a thought about this card');
  await page.getByRole('textbox', { name: 'Assignee' }).fill('meera');
  await page.getByTestId(second!).click();
  await expect(page.getByTestId('fraud.detail')).toContainText(second!.slice('fraud.alert.'.length));
  await expect(page.getByRole('textbox', { name: 'Comment' })).toHaveValue('');
  await expect(page.getByRole('textbox', { name: 'Assignee' })).toHaveValue('');
});
