import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, NO_SESSION, test } from './support/fixtures';
import { E2E_ADMIN } from './support/people';

/**
 * Another site's page posting to Streamwatch's sign-in and sign-out, as a forged form would:
 * from a different port of this host (same site, other origin: SameSite=Lax cookies still go
 * along) and from `localhost` (another site). Chromium sends the form; the gateway must answer
 * 403 and neither sign the browser in as the attacker's account nor sign it out.
 */
let attacker: Server;
let port: number;

test.beforeAll(async ({ baseURL }) => {
  attacker = createServer((req, res) => {
    const action = req.url?.startsWith('/sign-out') ? 'logout' : 'login';
    const fields = action === 'login' ? `<input name="name" value="${E2E_ADMIN.name}"><input name="password" value="${E2E_ADMIN.password}"><input name="next" value="/admin">` : '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Win a prize</title>
<form method="post" action="${baseURL}/auth/${action}">${fields}<button>Claim</button></form>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  port = (attacker.address() as AddressInfo).port;
});

test.afterAll(async () => {
  await new Promise((r) => attacker.close(r));
});

const attackerOrigins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

/** Submits the attacker's form in `page`; the gateway's answer to the forged POST. */
async function submitForged(page: Page, url: string, path: string): Promise<{ status: number; body: string }> {
  await page.goto(url);
  const answer = page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Claim' }).click();
  const res = await answer;
  return { status: res.status(), body: await res.text() };
}

async function sessionOf(context: BrowserContext, baseURL: string): Promise<number> {
  return (await context.request.get(`${baseURL}/auth/me`)).status();
}

test('a sign-in form on another site cannot sign the browser in (login CSRF)', async ({ browser, baseURL }) => {
  for (const origin of attackerOrigins()) {
    const context = await browser.newContext(NO_SESSION);
    const page = await context.newPage();
    const forged = await submitForged(page, `${origin}/sign-in`, '/auth/login');
    expect(forged.status, `sign-in posted from ${origin}`).toBe(403);
    expect(forged.body).toContain('accepted from this site’s own pages only');
    expect((await context.cookies()).filter((c) => c.name === 'sw_session')).toEqual([]);
    expect(await sessionOf(context, baseURL!)).toBe(401);
    await context.close();
  }
});

test('a sign-out form on another site cannot sign the browser out', async ({ browser, baseURL }) => {
  // A session of its own: the journeys' shared one must outlive this test.
  const context = await browser.newContext(NO_SESSION);
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('User name').fill(E2E_ADMIN.name);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  expect(await sessionOf(context, baseURL!)).toBe(200);
  for (const origin of attackerOrigins()) {
    const forged = await submitForged(page, `${origin}/sign-out`, '/auth/logout');
    expect(forged.status, `sign-out posted from ${origin}`).toBe(403);
    expect(await sessionOf(context, baseURL!), `still signed in after the post from ${origin}`).toBe(200);
  }
  // The same request from the site's own page does sign out: the check is about where it comes from.
  await page.goto('/');
  expect(await page.evaluate(async () => (await fetch('/auth/logout', { method: 'POST', redirect: 'manual' })).type)).toBe('opaqueredirect');
  expect(await sessionOf(context, baseURL!)).toBe(401);
  await context.close();
});
