import { expect, test } from './support/fixtures';
import { topics } from '../lib/topics';
import { LagPage } from './pages/lag-page';
import { saveScreenshot } from './pages/screenshots';
import { e2eKafka } from './support/kafka';

/**
 * A consumer group of the test's own reads the live raw topic and commits; it stops reading
 * (still a member, so it stalls rather than stops), then resumes. The lag page must say so.
 */
const groupId = `e2e-lag-${Date.now().toString(36)}`;
const kafka = e2eKafka('e2e-lag');
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
const topic = topics.driverLocationsRaw.name;

test.afterAll(async () => {
  await consumer.disconnect();
});

test('the lag page shows STALL for a consumer group that stops reading and OK once it catches up', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({ autoCommitInterval: 500, eachMessage: async () => undefined });

  const lag = new LagPage(page);
  await lag.open();
  await expect(lag.statusOf(groupId)).toHaveText(/^(OK|WARN)$/, { timeout: 90_000 });

  consumer.pause([{ topic }]);
  const pausedAt = Date.now();
  await expect(lag.statusOf(groupId)).toHaveText('STALL', { timeout: 90_000 });
  const stallShown = Date.now() - pausedAt;
  await expect(lag.group(groupId).getByTestId('lag.forecast')).toHaveText(/falling behind|—/);
  await saveScreenshot(page, testInfo, 'lag-stall');

  consumer.resume([{ topic }]);
  const resumedAt = Date.now();
  await expect(lag.statusOf(groupId)).toHaveText('OK', { timeout: 90_000 });
  console.log(`[lag] STALL shown ${stallShown} ms after the group stopped reading; OK ${Date.now() - resumedAt} ms after it resumed (poll and window set for the e2e stack)`);
});
