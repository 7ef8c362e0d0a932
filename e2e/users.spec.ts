import { expect, test } from './support/fixtures';
import { saveScreenshot } from './pages/screenshots';

/**
 * User administration in /admin, as an admin does it, with the person concerned signed in in
 * another browser: a new role reaches their open page at once (it reloads as the new role sees
 * it), "Sign out" ends their session there, and a removed user cannot sign in again.
 */
test('the admin adds a user, changes their role and signs them out from /admin; their open page follows each time', async ({ browser, page: admin }, testInfo) => {
  const name = `dana-${Date.now().toString(36)}`;
  const password = 'dana-password-0123';
  admin.on('dialog', (d) => void d.accept());
  await admin.goto('/admin');
  const users = admin.getByRole('region', { name: 'Users' });
  await users.getByLabel('User name').fill(name);
  await users.getByLabel('Role', { exact: true }).selectOption('ops');
  await users.getByLabel('Password').fill(password);
  await users.getByRole('button', { name: 'Add user' }).click();
  await expect(users.getByRole('status')).toHaveText(`${name} added as ops`);
  const row = users.locator(`[data-user="${name}"]`);
  await expect(row.getByLabel(`Role of ${name}`)).toHaveValue('ops');

  // Nobody signed in yet in this browser (journeys default to the admin's cookies).
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const dana = await context.newPage();
  // When the gateway's "session ended" frames reached this browser (the test's clock), and why.
  const ended: { at: number; payload: string }[] = [];
  dana.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.includes('"session:ended"')) ended.push({ at: Date.now(), payload: f.payload });
    }),
  );
  await dana.goto('/');
  await dana.getByLabel('User name').fill(name);
  await dana.getByLabel('Password').fill(password);
  await dana.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(dana.getByTestId('user.role')).toHaveText('ops');
  await expect(dana.getByRole('link', { name: 'Fraud' })).toHaveCount(1);

  const changed = Date.now();
  await row.getByLabel(`Role of ${name}`).selectOption('viewer');
  await expect(users.getByRole('status')).toHaveText(`${name} is now viewer`);
  // Told within 5 s; the page then reloads by itself as a viewer: no fraud page offered, no alerts.
  await expect.poll(() => ended.find((e) => e.payload.includes('role-changed'))?.at ?? Infinity, { timeout: 5_000 }).toBeLessThan(changed + 5_000);
  await expect(dana.getByTestId('user.role')).toHaveText('viewer');
  await expect(dana.getByRole('link', { name: 'Fraud' })).toHaveCount(0);
  await saveScreenshot(admin, testInfo, 'admin-users');

  const signedOut = Date.now();
  await row.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => ended.find((e) => e.payload.includes('"signed-out"'))?.at ?? Infinity, { timeout: 5_000 }).toBeLessThan(signedOut + 5_000);
  await expect(dana.getByTestId('session.problem.message')).toHaveText('Disconnected: You were signed out. Sign in again.');
  console.log(`[users] told the open page: role change ${ended[0]!.at - changed} ms, sign-out ${ended.at(-1)!.at - signedOut} ms after the admin's click`);
  await dana.reload();
  await expect(dana).toHaveURL(/\/login\?next=%2F&error=signed-out$/);

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(users.getByRole('status')).toHaveText(`${name} removed`);
  await expect(row).toHaveCount(0);
  await dana.getByLabel('User name').fill(name);
  await dana.getByLabel('Password').fill(password);
  await dana.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(dana.getByRole('alert')).toHaveText('Wrong user name or password.');
  await context.close();

  // Every change is on the audit trail, with the admin who made it.
  const trail = admin.getByTestId('admin.audit');
  for (const action of ['user-add', 'user-role', 'user-sign-out', 'user-remove']) await expect(trail.locator(`[data-action="${action}"]`).first()).toBeVisible();
});
