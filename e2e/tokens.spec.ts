import type { APIRequestContext, Browser } from '@playwright/test';
import { expect, NO_SESSION, test } from './support/fixtures';
import { saveScreenshot } from './pages/screenshots';

/**
 * An unattended wall opened with a token from the admin page: the token handed over to an
 * HttpOnly screen cookie and gone from the address, live data, the cookie renewed, and a clear
 * reason across the screen when the token is revoked or runs out.
 */
async function issueWall(request: APIRequestContext, label: string, validForMs: number) {
  const res = await request.post('/api/grants', { data: { label, role: 'wall', panels: ['wall'], validForMs } });
  expect(res.status()).toBe(201);
  return (await res.json()) as { url: string; token: string; grant: { grantId: string; expiresAt: number } };
}

async function openWall(browser: Browser, url: string) {
  // No session in this browser: the token alone must do.
  const context = await browser.newContext(NO_SESSION);
  const page = await context.newPage();
  const renewals: number[] = [];
  // When the gateway's "session ended" frame reached the browser (the test's clock).
  const ended: number[] = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname === '/auth/screen' && res.status() === 200) renewals.push(Date.now());
  });
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.includes('"session:ended"')) ended.push(Date.now());
    }),
  );
  await page.goto(url);
  await expect(page.getByTestId('panel.kpis')).toHaveAttribute('data-freshness', /fresh|stale/, { timeout: 120_000 });
  // The address bar, history and any Referer hold the clean address; no script can read the cookie.
  const token = new URL(url).searchParams.get('token')!;
  expect(page.url()).toBe(url.replace(/\?token=[^&]+$/, ''));
  expect(await page.evaluate(() => document.cookie)).not.toContain(token.slice(0, 20));
  const cookie = (await context.cookies()).find((c) => c.name === 'sw_screen_wall');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  return { context, page, renewals, ended };
}

test('the admin issues a wall token; the wall runs on it, renews it, and is cut within seconds of its revocation', async ({ browser, page: adminPage }, testInfo) => {
  await adminPage.goto('/admin');
  await adminPage.getByLabel('Label').fill('NOC wall 2');
  await adminPage.getByRole('button', { name: 'Issue token' }).click();
  const address = await adminPage.getByTestId('admin.issued-url').getAttribute('href');
  expect(address).toMatch(/\/wall\?token=/);
  await saveScreenshot(adminPage, testInfo, 'admin-tokens');

  const { context, page, renewals, ended } = await openWall(browser, address!);
  await expect(page.getByTestId('panel.drivers')).toBeVisible();
  // The cookie holds a short session token (8 s in this run), renewed before it runs out; the page outlives several.
  await expect.poll(() => renewals.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('panel.kpis')).toHaveAttribute('data-freshness', /fresh|stale/);
  await expect(page.getByTestId('session.problem')).toHaveCount(0);

  const grantId = await adminPage.getByTestId('admin.grant').filter({ hasText: 'NOC wall 2' }).first().getAttribute('data-grant');
  const revokedAt = Date.now();
  await adminPage.getByTestId('admin.grant').filter({ hasText: 'NOC wall 2' }).first().getByTestId('admin.revoke').click();
  await expect(page.getByTestId('session.problem.message')).toHaveText('Disconnected: The token was revoked by an admin.', { timeout: 15_000 });
  console.log(`[tokens] revocation reached the wall ${ended[0]! - revokedAt} ms after the admin clicked Revoke; banner seen after ${Date.now() - revokedAt} ms (grant ${grantId})`);
  expect(ended[0]! - revokedAt).toBeLessThan(5_000);
  await saveScreenshot(page, testInfo, 'wall-revoked');
  // Reloading does not bring it back.
  const reload = await page.reload();
  expect(reload?.status()).toBe(401);
  await expect(page.getByTestId('refusal-reason')).toHaveText('The token was revoked by an admin.');
  await expect(adminPage.getByTestId('admin.audit.row').filter({ hasText: 'token-revoke' }).first()).toBeVisible();
  await context.close();
});

test('a wall whose token runs out says so across the screen within 5 s', async ({ browser, request }) => {
  const issued = await issueWall(request, 'short-lived wall', 25_000);
  const { context, page, ended } = await openWall(browser, issued.url);
  await expect(page.getByTestId('session.problem')).toHaveText(/The token has expired/, { timeout: 40_000 });
  console.log(`[tokens] the wall was told ${ended[0]! - issued.grant.expiresAt} ms after the grant ended; banner seen ${Date.now() - issued.grant.expiresAt} ms after`);
  expect(ended[0]! - issued.grant.expiresAt).toBeLessThan(5_000);
  await context.close();
});
