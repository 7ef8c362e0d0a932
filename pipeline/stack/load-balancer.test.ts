import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from './free-ports';
import { GATEWAY_COOKIE, HEALTH_CHECK, startLoadBalancer } from './load-balancer';
import { Supervisor } from './supervisor';

/** A stand-in gateway: names itself on every page; /readyz answers what the test sets. */
function fakeGateway(name: string, port: number): { server: Server; ready: { value: boolean } } {
  const ready = { value: true };
  const server = createServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(ready.value ? 200 : 503).end();
      return;
    }
    // Gateway 1 dies while answering: its connection closes with nothing sent, as after a SIGKILL.
    if (req.url === '/dies-on-1' && name === 'gateway-1') {
      setTimeout(() => req.socket.destroy(), 50);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  }).listen(port, '127.0.0.1');
  return { server, ready };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The real HAProxy (Debian's package, as .ci/run installs it) in front of two tiny HTTP servers.
describe('the load balancer in front of the gateways', () => {
  const supervisor = new Supervisor(() => undefined, () => undefined);
  let url = '';
  let gateways: ReturnType<typeof fakeGateway>[] = [];

  beforeAll(async () => {
    const [front, a, b] = await freePorts(3);
    gateways = [fakeGateway('gateway-1', a!), fakeGateway('gateway-2', b!)];
    await startLoadBalancer({ dataDir: mkdtempSync(join(tmpdir(), 'sw-balancer-')), host: '127.0.0.1', port: front!, gateways: [a!, b!] }, supervisor);
    url = `http://127.0.0.1:${front}`;
    await until(() => fetch(url).then((r) => r.ok, () => false), 10_000);
  }, 20_000);

  afterAll(async () => {
    await supervisor.stopAll(2000);
    for (const g of gateways) g.server.close();
  });

  const served = async (cookie?: string): Promise<{ by: string; cookie: string | null }> => {
    const res = await fetch(`${url}/`, { headers: cookie ? { cookie } : {} });
    return { by: await res.text(), cookie: res.headers.get('set-cookie') };
  };

  it('spreads new browsers over both gateways and pins each to its own with a cookie', async () => {
    const first = await served();
    const second = await served();
    expect(new Set([first.by, second.by])).toEqual(new Set(['gateway-1', 'gateway-2']));
    expect(first.cookie).toMatch(new RegExp(`^${GATEWAY_COOKIE}=${first.by};.*HttpOnly`, 'i'));
    expect(first.cookie).toMatch(/SameSite=Lax/i);
    const pinned = first.cookie!.split(';')[0]!;
    for (let i = 0; i < 4; i++) expect((await served(pinned)).by).toBe(first.by);
  });

  it('sends a request whose gateway died while answering to the other one, but never a POST', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${url}/dies-on-1`).then((r) => r.text(), (e: Error) => e.message)));
    expect(answers).toEqual(Array(6).fill('gateway-2'));
    // A POST may have been acted on before the gateway died: the browser is told, not the other gateway asked again.
    const posts = await Promise.all(Array.from({ length: 4 }, () => fetch(`${url}/dies-on-1`, { method: 'POST', body: 'x' }).then((r) => r.text(), () => 'closed')));
    expect(posts.filter((p) => p === 'gateway-2')).toHaveLength(2);
    expect(posts.filter((p) => p !== 'gateway-2')).toHaveLength(2);
  });

  it('never lets /metrics through, whatever the gateway would answer', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(403);
  });

  it('takes a gateway that is not ready out of rotation, pinned browsers included, and back when it is', async () => {
    gateways[0]!.ready.value = false;
    const outWithin = HEALTH_CHECK.intervalMs * (HEALTH_CHECK.fall + 2);
    await until(async () => {
      const seen = await Promise.all([served(), served(), served(`${GATEWAY_COOKIE}=gateway-1`)]);
      return seen.every((s) => s.by === 'gateway-2');
    }, outWithin);
    gateways[0]!.ready.value = true;
    await until(async () => (await served(`${GATEWAY_COOKIE}=gateway-1`)).by === 'gateway-1', HEALTH_CHECK.intervalMs * (HEALTH_CHECK.rise + 2));
  });
});
