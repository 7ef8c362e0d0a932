import type { Page } from '@playwright/test';

/** The ops wall, read through its test ids. */
export class WallPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, query = ''): Promise<void> {
    await this.page.goto(`${baseUrl}/wall${query}`);
  }

  panel(name: 'drivers' | 'kpis' | 'alerts' | 'pipeline') {
    return this.page.getByTestId(`panel.${name}`);
  }

  unreachableBanner() {
    return this.page.getByTestId('wall.unreachable');
  }

  /** The page's clock when `panel` shows `state`, checked every animation frame from now on. */
  whenFreshness(name: string, state: 'fresh' | 'stale', timeout = 90_000): Promise<number> {
    return this.page
      .waitForFunction(([n, s]) => document.querySelector(`[data-testid="panel.${n}"]`)?.getAttribute('data-freshness') === s && Date.now(), [name, state] as const, {
        polling: 'raf',
        timeout,
      })
      .then((h) => h.jsonValue() as Promise<number>);
  }
}
