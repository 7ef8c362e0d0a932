import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { sessionCookie } from '../server/testing/credentials';
import { chromiumLaunchOptions } from '../e2e/support/chromium';
import { startBenchBroker } from './bench-broker';
import { ensureNextBuild } from '../pipeline/stack/next-build';
import { moveFleet, root, startGatewayProcess } from './gateway-process';
import { writeResults } from './results';

/**
 * Frame time of the app's map with 20k moving drivers against a bare deck.gl page drawing the
 * same number of moving points, in the same headless Chromium, in the same run. The drivers
 * reach the app the real way: drivers.positions on a local broker → the gateway → the socket.
 * Target: ratio <= 1.3. WebGL runs on Mesa's llvmpipe here, so only the ratio means anything.
 */
const DRIVERS = Number(process.env.BENCH_DRIVERS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const say = (line: string): void => console.error(line);

const stack = await startBenchBroker(say);
const bundle = await build({ entryPoints: [fileURLToPath(new URL('./browser/bare-map.ts', import.meta.url))], bundle: true, write: false, format: 'iife', minify: true, logLevel: 'silent' });
const bare = createServer((req, res) => {
  if (req.url?.startsWith('/bare.js')) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.outputFiles[0]!.text);
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body style="margin:0;background:#0b1220"><div id="map" style="position:absolute;inset:0"></div><script src="/bare.js"></script></body></html>`);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/?drivers=${DRIVERS}`;
const browser = await chromium.launch(chromiumLaunchOptions);
let fleet: Awaited<ReturnType<typeof moveFleet>> | undefined;
let gateway: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;

try {
  // Every driver moves once a second, as the simulator's pings do.
  fleet = await moveFleet(stack.kafka, DRIVERS, (err) => say(`[bench] moving the fleet failed: ${err.message}`));

  // The app as the README runs it (the production build, built first if its sources changed),
  // signed with the test secret so that the bench's browser can carry a viewer's session.
  await ensureNextBuild(root, join(root, '.streamwatch', 'logs', 'build.log'), say);
  gateway = await startGatewayProcess(stack.brokers, 0, { ...stack.gatewayEnv, NODE_ENV: 'production', SERVE_UI: 'true', GATEWAY_ID: 'bench-frames', NEXT_TELEMETRY_DISABLED: '1' });
  const appUrl = gateway.url;

  // Large enough for the whole city at the map's zoom, so the gateway sends the whole fleet.
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addCookies([{ name: 'sw_session', value: (await sessionCookie('viewer', 'bench')).split('=')[1]!, url: appUrl }]);
  const page = await context.newPage();
  const frameTimes = async (url: string, ready: () => Promise<void>): Promise<number[]> => {
    await page.goto(url);
    await ready();
    await page.waitForTimeout(2_000);
    // As text: tsx would wrap named inner functions in a helper the page does not have.
    return page.evaluate(`new Promise((resolve) => {
      const gaps = [];
      let last = 0;
      const end = performance.now() + ${SECONDS * 1000};
      const step = (t) => {
        if (last) gaps.push(t - last);
        last = t;
        if (t < end) requestAnimationFrame(step);
        else resolve(gaps);
      };
      requestAnimationFrame(step);
    })`) as Promise<number[]>;
  };
  const appReady = async () => {
    for (let i = 0; (await page.evaluate(() => window.__streamwatch?.renderedDrivers ?? 0)) < DRIVERS * 0.95; i++) {
      if (i > 120) throw new Error(`the app map never drew the fleet (${await page.evaluate(() => JSON.stringify({ drawn: window.__streamwatch?.renderedDrivers, renders: window.__streamwatch?.renders, status: document.querySelector('[data-testid="panel.drivers"]')?.getAttribute('data-freshness') }))})`);
      await page.waitForTimeout(500);
    }
  };
  // Warm the dev server's compile of the page before measuring.
  say('[bench] compiling and loading the map page...');
  await page.goto(`${appUrl}/embed/map`);
  await appReady();

  const rounds: { app: number[]; bare: number[] }[] = [];
  for (let round = 0; round < 2; round++) {
    say(`[bench] round ${round + 1}: app map, then bare deck.gl, ${SECONDS} s each`);
    rounds.push({ app: await frameTimes(`${appUrl}/embed/map`, appReady), bare: await frameTimes(bareUrl, async () => undefined) });
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  const app = rounds.flatMap((r) => r.app);
  const base = rounds.flatMap((r) => r.bare);
  writeResults('browser-frames', `map frame time, ${DRIVERS.toLocaleString('en-US')} moving drivers, headless Chromium on llvmpipe, 2 alternating rounds of ${SECONDS} s`, [
    { name: 'frame time p50 (app map ÷ bare deck.gl)', value: pct(app, 0.5), unit: 'ms', baseline: pct(base, 0.5), ratio: pct(app, 0.5) / pct(base, 0.5), target: '<= 1.3' },
    { name: 'frame time p95 (app map ÷ bare deck.gl)', value: pct(app, 0.95), unit: 'ms', baseline: pct(base, 0.95), ratio: pct(app, 0.95) / pct(base, 0.95), target: '<= 1.3' },
  ]);
} finally {
  await fleet?.stop();
  await browser.close();
  bare.close();
  await gateway?.stop();
  await stack.stop();
}
