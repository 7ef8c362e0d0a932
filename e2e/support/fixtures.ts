import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { findExposures, type Exposure } from '../../lib/exposure-scan';

export { expect } from '@playwright/test';

/** Where each journey leaves what the exposure scanner saw; the scan project adds them up. */
export const SCAN_DIR = join('test-results', 'exposure-scan');

interface Seen {
  frames: number;
  frameBytes: number;
  pages: number;
  findings: (Exposure & { where: string })[];
}

/**
 * Every journey runs under the exposure scanner: each socket frame any of its pages receives or
 * sends and each document it loads is scanned for card numbers and raw rider ids
 * (lib/exposure-scan.ts). Contexts a journey opens itself are watched too.
 */
export const test = base.extend<{ exposureScan: Seen }>({
  exposureScan: [
    async ({ context, browser }, use, testInfo) => {
      const seen: Seen = { frames: 0, frameBytes: 0, pages: 0, findings: [] };
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
        page.on('response', (res) => {
          if (res.request().resourceType() !== 'document') return;
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
