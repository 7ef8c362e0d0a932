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

  /** Up to `max` drivers drawn well inside the map, near its centre (away from legend and toggles). */
  driversNearCentre(max: number): Promise<string[]> {
    return this.page.evaluate((wanted) => {
      const el = document.querySelector('[data-testid="map.drivers"]')!;
      const [x0, y0] = [el.clientWidth / 2, el.clientHeight / 2];
      const hook = window.__streamwatch!;
      const near: string[] = [];
      for (let i = 1; i <= 3000 && near.length < wanted; i++) {
        const candidate = `drv-${String(i).padStart(5, '0')}`;
        const at = hook.screenOf(candidate);
        if (at && Math.abs(at[0] - x0) < 150 && Math.abs(at[1] - y0) < 120) near.push(candidate);
      }
      return near;
    }, max);
  }

  /**
   * Zooms the map with the mouse wheel (negative steps zoom out) about a page point, by default
   * its centre: the point under the pointer stays where it is.
   */
  async zoom(steps: number, about?: [number, number]): Promise<void> {
    const [x, y] = about ?? (await this.mapCentre());
    await this.page.mouse.move(x, y);
    for (let i = 0; i < Math.abs(steps); i++) {
      await this.page.mouse.wheel(0, steps > 0 ? -400 : 400);
      await this.page.waitForTimeout(100);
    }
  }
}
