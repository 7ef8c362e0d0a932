import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Partitioners } from 'kafkajs';
import type { FraudAlert } from '../lib/schemas/fraud-alert';
import { topics } from '../lib/topics';
import { saveScreenshot } from './pages/screenshots';
import { expect, test } from './support/fixtures';
import { e2eKafka } from './support/kafka';

/**
 * A notification sink set in /admin on the product as it ships, which had none: the admin adds a
 * JSON webhook (a receiver this test runs), sees its address masked, sends it a test message and
 * reads how it went; the gateway, which joins the notifier group with its first sink, then posts a
 * fraud alert above the threshold to it, once; removed, the sink is gone from the list.
 */
test('an admin sets a webhook in /admin, tests it, and it is told of the next high-score fraud alert', async ({ page }, testInfo) => {
  const run = Date.now().toString(36);
  const got: { kind: string; subject: string; eventId: string; at: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push(JSON.parse(body) as (typeof got)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const name = `e2e-${run}`;
  page.on('dialog', (d) => void d.accept());
  try {
    await page.goto('/admin');
    const section = page.getByRole('region', { name: 'Notification sinks' });
    await section.getByLabel('Name').fill(name);
    await section.getByLabel('Kind').selectOption('json');
    await section.getByLabel('Address').fill(`http://127.0.0.1:${port}/streamwatch-hook`);
    const setAt = Date.now();
    await section.getByRole('button', { name: 'Set sink' }).click();
    await expect(section.getByRole('status')).toHaveText(`${name} added: it hears of changes from now on`);
    const row = section.locator(`[data-sink="${name}"]`);
    // Masked: the path's last four characters only.
    await expect(row).toContainText(`http://127.0.0.1:${port}/…hook`);
    await expect(row).not.toContainText('streamwatch-hook');

    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(section.getByRole('status')).toHaveText(`${name}: test message delivered (HTTP 204)`);
    // Only the test message: the alerts and states the gateway knew when the sink was set are not news to it.
    expect(got.filter((m) => m.kind === 'test')).toEqual([expect.objectContaining({ subject: `test:${name}` })]);
    await saveScreenshot(page, testInfo, 'admin-notify-sinks');

    // A fraud alert above the threshold (0.8) reaches the receiver, once.
    const alert: FraudAlert = {
      alertId: `e2e-notify-${run}`, rule: 'card-testing', score: 0.97, cardToken: 'tok_e2e0notify', bin: '411111', last4: '4242',
      // Detected now: a sink hears of alerts detected after it was set (here perhaps under a second ago).
      paymentIds: [`pay-e2e-${run}`], eventTime: Date.now() - 1_000, detectedAt: Date.now(),
    };
    const producer = e2eKafka(`notify-e2e-${run}`).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const sent = Date.now();
    await producer.send({ topic: topics.fraudAlerts.name, messages: [{ key: alert.alertId, value: JSON.stringify(alert) }] });
    await producer.disconnect();
    await expect.poll(() => got.filter((m) => m.subject === `fraud:${alert.alertId}`).length, { timeout: 45_000 }).toBe(1);
    console.log(`[notify-sinks] the alert reached the sink set in /admin ${Date.now() - sent} ms after it was written`);
    await page.waitForTimeout(3_000);
    expect(got.filter((m) => m.subject === `fraud:${alert.alertId}`)).toHaveLength(1);
    // Nothing that happened before the sink was set (the simulator's alerts of the last minutes).
    expect(got.filter((m) => m.kind !== 'test' && Date.parse(m.at) < setAt).map((m) => m.subject)).toEqual([]);

    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(section.getByRole('status')).toHaveText(`${name} removed`);
    await expect(row).toHaveCount(0);
  } finally {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});
