import { expect, type Page } from '@playwright/test';

/** The overview dashboard, read through its test ids and the map's test hook. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
  }

  connection() {
    return this.page.getByTestId('status.connection');
  }

  freshness() {
    return this.page.getByTestId('status.freshness');
  }

  driverCount() {
    return this.page.getByTestId('status.drivers');
  }

  /** Waits until the map has drawn at least `min` drivers and returns how many it drew. */
  async waitForDrawnDrivers(min: number): Promise<number> {
    await expect.poll(() => this.renderedDrivers(), { timeout: 90_000 }).toBeGreaterThanOrEqual(min);
    return this.renderedDrivers();
  }

  renderedDrivers(): Promise<number> {
    return this.page.evaluate(() => window.__streamwatch?.renderedDrivers ?? 0);
  }

  /** How many surging H3 cells the map draws (from the newest committed surge window). */
  surgeCells(): Promise<number> {
    return this.page.getByTestId('map.drivers').getAttribute('data-surge-cells').then((v) => Number(v ?? 0));
  }

  /** Positions the map last drew for these drivers (null for one it has not drawn). */
  positionsOf(ids: string[]): Promise<([number, number] | null)[]> {
    return this.page.evaluate((list) => list.map((id) => window.__streamwatch?.positionOf(id) ?? null), ids);
  }

  /** Where a driver is drawn, in page pixels; null when the map does not draw it. */
  async screenOf(id: string): Promise<[number, number] | null> {
    const box = (await this.page.getByTestId('map.drivers').boundingBox())!;
    const at = await this.page.evaluate((driver) => window.__streamwatch?.screenOf(driver) ?? null, id);
    return at ? [box.x + at[0], box.y + at[1]] : null;
  }

  /** The map's centre in page pixels. */
  async mapCentre(): Promise<[number, number]> {
    const box = (await this.page.getByTestId('map.drivers').boundingBox())!;
    return [box.x + box.width / 2, box.y + box.height / 2];
  }

  /** Zooms the map with the mouse wheel at its centre (negative steps zoom out). */
  async zoom(steps: number): Promise<void> {
    const box = (await this.page.getByTestId('map.drivers').boundingBox())!;
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < Math.abs(steps); i++) {
      await this.page.mouse.wheel(0, steps > 0 ? -400 : 400);
      await this.page.waitForTimeout(100);
    }
  }
}
