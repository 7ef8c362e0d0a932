import { expect, test } from './support/fixtures';
import { Partitioners } from 'kafkajs';
import { topics } from '../lib/topics';
import { saveScreenshot } from './pages/screenshots';
import { e2eKafka } from './support/kafka';

const kafka = e2eKafka('e2e-pipeline');

test('the pipeline page draws the lineage with live figures and shows a bad record quarantined with its reason', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  // What the page asks the gateway for, as sent on the wire: two stores hear the pipeline
  // subscription's answers, and it must be asked once (each ask is an audit event for quarantine).
  const asked: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => void (typeof payload === 'string' && /^\d+\["[a-z]+:subscribe"/.test(payload) && asked.push(/"([a-z]+:subscribe)"/.exec(payload)![1]!))));
  await page.goto('/pipeline');
  const job = page.getByTestId('pipeline.node.job:driversPositions');
  await expect(job.getByTestId('pipeline.node.detail')).toHaveText(/^RUNNING · bp (ok|low|high)$/, { timeout: 60_000 });
  expect(asked.filter((e) => e === 'pipeline:subscribe')).toEqual(['pipeline:subscribe']);
  await expect(page.getByTestId('pipeline.node.topic:driverLocationsRaw').getByTestId('pipeline.node.detail')).toHaveText(/^[\d,.]+ rec\/s · [\d,]+ kept$/);

  const marker = `e2e-bad-${Date.now().toString(36)}`;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: topics.driverLocationsRaw.name, messages: [{ key: marker, value: `{"driverId":"${marker}","lat":` }] });
  await producer.disconnect();

  const dlq = page.getByTestId(`quarantine.${topics.driverLocationsDlq.name}`);
  const sample = dlq.getByTestId('quarantine.sample').filter({ hasText: marker });
  await expect(sample).toBeVisible({ timeout: 60_000 });
  await expect(sample).toContainText('drivers-positions');
  await expect(dlq.getByTestId('quarantine.count')).not.toHaveText('0');

  // Each topic's record schema and version, its fields on demand.
  const schema = page.getByTestId(`schema.${topics.driverLocationsRaw.name}`);
  await expect(schema).toContainText('DriverLocation v1');
  await schema.locator('summary').click();
  await expect(schema.getByRole('row', { name: /^lat number/ })).toContainText('≥ -90, ≤ 90');
  await saveScreenshot(page, testInfo, 'pipeline');
});
