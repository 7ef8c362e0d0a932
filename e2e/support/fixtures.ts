import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { findExposures, type Exposure } from '../../lib/exposure-scan';

export { expect } from '@playwright/test';

/**
 * Options for a context of nobody's: the journeys' contexts, even those a test opens itself,
 * start from the signed-in admin's storage state otherwise.
 */
export const NO_SESSION = { storageState: { cookies: [], origins: [] } };

/** Where each journey leaves what the exposure scanner saw; the scan project adds them up. */
export const SCAN_DIR = join('test-results', 'exposure-scan');

interface Seen {
  frames: number;
  frameBytes: number;
  pages: number;
  /** Addresses frames navigated to, and requests that named a Referer. */
  navigations: number;
  referers: number;
  /** What the browser refused under a page's Content-Security-Policy (framing refusals are the embed test's own). */
  cspViolations: string[];
  findings: (Exposure & { where: string })[];
}

/**
 * Every journey runs under the exposure scanner: each socket frame any of its pages receives or
 * sends, each document it loads, each address a frame of it navigates to and each Referer it
 * sends is scanned for card numbers, raw rider ids and the gateway's tokens
 * (lib/exposure-scan.ts). A screen address's token is in the request that opens it and must be
 * nowhere after: not in the address the page ends up at, its history or any Referer. Contexts a
 * journey opens itself are watched too.
 */
export const test = base.extend<{ exposureScan: Seen }>({
  exposureScan: [
    async ({ context, browser, baseURL }, use, testInfo) => {
      const seen: Seen = { frames: 0, frameBytes: 0, pages: 0, navigations: 0, referers: 0, cspViolations: [], findings: [] };
      // Another origin's pages (the tool framing an embed) are that tool's business, tokens in its frame addresses included.
      const ours = (url: string) => baseURL !== undefined && url.startsWith(new URL(baseURL).origin);
      const scan = (text: string, where: string) => {
        for (const f of findExposures(text)) seen.findings.push({ ...f, where });
      };
      const watchPage = (page: Page) => {
        page.on('websocket', (ws) => {
          // Next's dev server tells the page about rebuilt code over its own socket: no product data.
          if (new URL(ws.url()).pathname.startsWith('/_next/')) return;
          const onFrame = (direction: string) => (frame: { payload: string | Buffer }) => {
            const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('latin1');
            seen.frames++;
            seen.frameBytes += text.length;
            scan(text, `socket frame ${direction} ${ws.url()}`);
          };
          ws.on('framereceived', onFrame('received'));
          ws.on('framesent', onFrame('sent'));
        });
        page.on('console', (m) => {
          const text = m.text();
          if (/Content Security Policy/i.test(text) && !text.includes('frame-ancestors')) seen.cspViolations.push(`${page.url()}: ${text.slice(0, 300)}`);
        });
        page.on('framenavigated', (frame) => {
          if (!ours(frame.url())) return;
          seen.navigations++;
          scan(frame.url(), 'navigation');
        });
        page.on('request', (req) => {
          const referer = req.headers()['referer'];
          if (!referer || !ours(referer)) return;
          seen.referers++;
          scan(referer, `Referer of ${req.url().split('?')[0]}`);
        });
        page.on('response', (res) => {
          if (res.request().resourceType() !== 'document' || !ours(res.url())) return;
          void res.text().then(
            (body) => {
              seen.pages++;
              scan(body, `page ${res.url()}`);
            },
            () => undefined,
          );
        });
      };
      const watchContext = (c: BrowserContext) => {
        c.pages().forEach(watchPage);
        c.on('page', watchPage);
      };
      watchContext(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const c = await newContext(...args);
        watchContext(c);
        return c;
      };
      await use(seen);
      browser.newContext = newContext;
      mkdirSync(SCAN_DIR, { recursive: true });
      writeFileSync(join(SCAN_DIR, `${testInfo.testId}.json`), JSON.stringify({ title: testInfo.titlePath.join(' › '), ...seen }));
    },
    { auto: true },
  ],
});
