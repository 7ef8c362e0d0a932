import { expect, type Page } from '@playwright/test';

/** The fraud triage page, read through its test ids. */
export class FraudPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/fraud');
  }

  alert(alertId: string) {
    return this.page.getByTestId(`fraud.alert.${alertId}`);
  }

  statusOf(alertId: string) {
    return this.alert(alertId).getByTestId('fraud.status');
  }

  /** Waits for an alert still untouched by anyone and returns its id. */
  async firstNewAlert(): Promise<string> {
    const item = this.page.locator('[data-testid^="fraud.alert."]', { has: this.page.getByTestId('fraud.status').getByText('new', { exact: true }) }).first();
    await expect(item).toBeVisible({ timeout: 150_000 });
    return (await item.getAttribute('data-testid'))!.slice('fraud.alert.'.length);
  }

  /**
   * Resolves with the page's clock when `alertId` shows `status`, checked every animation
   * frame from now on (Playwright's own polling backs off to a second).
   */
  watchStatus(alertId: string, status: string): Promise<number> {
    return this.page
      .waitForFunction(
        ([id, want]) => document.querySelector(`[data-testid="fraud.alert.${id}"] [data-testid="fraud.status"]`)?.textContent === want && Date.now(),
        [alertId, status] as const,
        { polling: 'raf', timeout: 30_000 },
      )
      .then((h) => h.jsonValue() as Promise<number>);
  }
}
