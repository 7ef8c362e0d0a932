import { expect, test as setup } from './support/fixtures';
import { E2E_ADMIN, E2E_OIDC_PORT, signedInAs } from './support/people';
import { oidcPeople, startOidcProvider, type OidcProvider } from './support/oidc-provider';
import { saveScreenshot } from './pages/screenshots';

/**
 * Signs everyone the journeys need in, the way people do: the admin with a password on the
 * sign-in page, the others through single sign-on against a real OpenID Connect provider
 * (login and consent pages in Chromium, code + PKCE back to the gateway).
 */
setup('the admin signs in with a password', async ({ page }, testInfo) => {
  await page.goto('/fraud');
  await expect(page).toHaveURL(/\/login\?next=%2Ffraud$/);
  await page.getByLabel('User name').fill(E2E_ADMIN.name);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
  await page.getByLabel('User name').fill(E2E_ADMIN.name);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/fraud$/);
  await expect(page.getByTestId('user.name')).toHaveText('admin');
  await expect(page.getByTestId('user.role')).toHaveText('admin');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'sw_session')!;
  expect([cookie.httpOnly, cookie.sameSite]).toEqual([true, 'Lax']);
  await saveScreenshot(page, testInfo, 'signed-in-admin');
  await page.context().storageState({ path: signedInAs('admin') });
});

let provider: OidcProvider | null = null;
setup.beforeAll(async ({ baseURL }) => {
  provider = await startOidcProvider(E2E_OIDC_PORT, `${baseURL}/auth/oidc/callback`);
});
setup.afterAll(async () => {
  await provider?.close();
});

// One test a person, so that each sign-in has its own time budget and a failure names who.
for (const [login, role] of Object.entries(oidcPeople)) {
  setup(`${login} signs in through single sign-on (OpenID Connect) as the ${role} their provider asserts`, async ({ browser, baseURL }, testInfo) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await expect(page).toHaveURL(new RegExp(`^${provider!.issuer}/interaction/`));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(`${baseURL}/`);
    await expect(page.getByTestId('user.name')).toHaveText(login);
    await expect(page.getByTestId('user.role')).toHaveText(role);
    if (login === 'vera') {
      // A viewer is not offered the fraud page, and its alerts panel says why it is empty.
      await expect(page.getByRole('link', { name: 'Fraud' })).toHaveCount(0);
      await expect(page.getByTestId('panel.alerts.not-permitted')).toHaveText('Not available to the viewer role.');
      await saveScreenshot(page, testInfo, 'signed-in-viewer');
    }
    await context.storageState({ path: signedInAs(login) });
    await context.close();
  });
}
