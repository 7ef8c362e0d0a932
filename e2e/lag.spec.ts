import { expect, test } from './support/fixtures';
import { flinkJobs } from '../lib/pipeline-jobs';
import { LagPage } from './pages/lag-page';
import { saveScreenshot } from './pages/screenshots';

test('the lag page shows the Flink job consuming the raw topic, live', async ({ page }, testInfo) => {
  const lag = new LagPage(page);
  await lag.open();
  const flink = flinkJobs.driversPositions.consumerGroup;
  await expect(lag.group(flink)).toBeVisible({ timeout: 60_000 });
  await expect(lag.statusOf(flink)).toHaveText(/^(OK|WARN)$/);
  await lag.group(flink).getByText(flink).click();
  await expect(lag.group(flink).getByText(/raw\.driver-locations\[\d\]/).first()).toBeVisible();
  await saveScreenshot(page, testInfo, 'lag');
});

test('the lag page shows the Flink job running, from the mini-cluster', async ({ page }) => {
  await new LagPage(page).open();
  const job = page.getByTestId('pipeline.job.drivers-positions');
  await expect(job).toBeVisible({ timeout: 30_000 });
  await expect(job.getByTestId('pipeline.job.state')).toHaveText('RUNNING');
});
