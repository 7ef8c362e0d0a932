import type { Page } from '@playwright/test';

/** The consumer-lag page, read through its test ids. */
export class LagPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/lag');
  }

  group(groupId: string) {
    return this.page.getByTestId(`lag.group.${groupId}`);
  }

  statusOf(groupId: string) {
    return this.group(groupId).getByTestId('lag.status');
  }
}
