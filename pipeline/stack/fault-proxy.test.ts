import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy';

let echo: Server;
let proxy: FaultProxy;

async function start(): Promise<void> {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  proxy = new FaultProxy('127.0.0.1', (echo.address() as { port: number }).port);
  await proxy.listen();
}

function dial(): Promise<{ socket: Socket; received: () => string; closed: () => string | null }> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = '';
    let closed: string | null = null;
    socket.on('data', (d) => (data += d.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => (closed = e.code ?? 'error'));
    socket.on('close', () => (closed ??= 'closed'));
    socket.connect(proxy.port, '127.0.0.1', () => resolve({ socket, received: () => data, closed: () => closed }));
    socket.once('error', reject);
  });
}

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  await proxy.close();
  await new Promise((r) => echo.close(r));
});

describe('FaultProxy', () => {
  it('passes bytes both ways, holds them while paused and delivers them on resume', async () => {
    await start();
    const c = await dial();
    c.socket.write('one');
    await settle();
    expect(c.received()).toBe('one');
    proxy.set('pause');
    c.socket.write('two');
    await settle();
    expect(c.received()).toBe('one');
    proxy.set('pass');
    await settle();
    expect(c.received()).toBe('onetwo');
  });

  it('drops everything in a blackhole, then closes those connections; new ones work', async () => {
    await start();
    const c = await dial();
    proxy.set('blackhole');
    c.socket.write('lost');
    await settle();
    expect(c.received()).toBe('');
    expect(c.closed()).toBeNull();
    proxy.set('pass');
    await settle();
    expect(c.closed()).not.toBeNull();
    const fresh = await dial();
    fresh.socket.write('back');
    await settle();
    expect(fresh.received()).toBe('back');
    fresh.socket.destroy();
  });

  it('resets open connections and refuses new ones with RST until passing again', async () => {
    await start();
    const c = await dial();
    proxy.set('reset');
    await settle();
    expect(c.closed()).toBe('ECONNRESET');
    // The kernel may finish the handshake before the proxy resets it: refused either way.
    const refused = await dial().then(
      async (r) => (await settle(), r.closed()),
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(refused).toBe('ECONNRESET');
    proxy.set('pass');
    const fresh = await dial();
    fresh.socket.write('ok');
    await settle();
    expect(fresh.received()).toBe('ok');
    fresh.socket.destroy();
  });
});
