import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { handleOps, opsAllowed } from './ops-routes';

const source = { ready: () => true, details: () => ({ groups: ['streamwatch-gw-1-alerts'] }) };
let server: Server | null = null;

async function serve(token: string | null): Promise<string> {
  server = createServer((req, res) => void (handleOps(req, res, source, new Registry(), token) || res.writeHead(404).end()));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('ops endpoints', () => {
  it('answer a loopback client in full when no ops token is set', async () => {
    const url = await serve(null);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ready: true, groups: ['streamwatch-gw-1-alerts'] });
  });

  it('with a token set, want it: /metrics 401 and /readyz the status only without it, in full with it; /healthz open', async () => {
    const token = 'ops-token-0123456789abcdef';
    const url = await serve(token);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789ab' } })).status).toBe(401);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ready: true });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ groups: ['streamwatch-gw-1-alerts'] });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('takes no address but loopback for trusted without a token', () => {
    const req = (remoteAddress: string) => ({ headers: {}, socket: { remoteAddress } }) as never;
    expect(opsAllowed(req('127.0.0.1'), null)).toBe(true);
    expect(opsAllowed(req('::1'), null)).toBe(true);
    expect(opsAllowed(req('10.0.0.7'), null)).toBe(false);
    expect(opsAllowed(req('127.0.0.1'), 'ops-token-0123456789abcdef')).toBe(false);
  });
});
