import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { passThrough } from './pass-through';

/** A page server behind (echoing what it got, and a WebSocket echo under /_next/), and a front passing through to it. */
let behind: Server;
let front: Server;
let frontUrl: string;
let behindPort: number;

const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  behind = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'x-behind': 'yes' }).end(JSON.stringify({ method: req.method, url: req.url, cookie: req.headers.cookie ?? null, body })));
  });
  const wss = new WebSocketServer({ noServer: true });
  behind.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (m) => ws.send(`echo ${m.toString()}`))));
  behindPort = await listen(behind);
  const { handle, upgrade } = passThrough(behindPort, '/_next/', pino({ level: 'silent' }));
  front = createServer((req, res) => void handle(req, res));
  front.on('upgrade', upgrade);
  frontUrl = `http://127.0.0.1:${await listen(front)}`;
});

afterAll(async () => {
  front.closeAllConnections();
  behind.closeAllConnections();
  await Promise.all([front, behind].map((s) => new Promise((r) => s.close(r))));
});

describe('passThrough', () => {
  it('passes method, path, headers and body through, and the answer back', async () => {
    const res = await fetch(`${frontUrl}/fraud?x=1`, { method: 'POST', body: 'hello', headers: { cookie: 'sw_session=abc' } });
    expect([res.status, res.headers.get('x-behind')]).toEqual([200, 'yes']);
    expect(await res.json()).toEqual({ method: 'POST', url: '/fraud?x=1', cookie: 'sw_session=abc', body: 'hello' });
    expect((await fetch(`${frontUrl}/missing`)).status).toBe(404);
  });

  it('pipes a WebSocket under the prefix both ways', async () => {
    const ws = new WebSocket(`${frontUrl.replace('http', 'ws')}/_next/webpack-hmr`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('ping'));
      ws.once('message', (m) => resolve(m.toString()));
      ws.once('error', reject);
    });
    ws.close();
    expect(reply).toBe('echo ping');
  });

  it('answers 502 with a reason when nothing is behind', async () => {
    const { handle } = passThrough(1, '/_next/', pino({ level: 'silent' }));
    const lonely = createServer((req, res) => void handle(req, res));
    const url = `http://127.0.0.1:${await listen(lonely)}`;
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/not answering/);
    await new Promise((r) => lonely.close(r));
  });
});
