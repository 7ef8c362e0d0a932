import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canonicalAddress, KernelSendQueues, parseProcNetTcp, procAddress } from './kernel-send-queues';

const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const line = (local: string, remote: string, tx: number) =>
  `   0: ${local} ${remote} 01 ${tx.toString(16).toUpperCase().padStart(8, '0')}:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 20 4 30 10 -1`;

describe('procAddress', () => {
  it.each([
    ['0100007F', '127.0.0.1'],
    ['0A01A8C0', '192.168.1.10'],
    ['0000000000000000FFFF00000100007F', '127.0.0.1'],
    ['00000000000000000000000001000000', '::1'],
    ['B80D0120000000000000000001000000', '2001:db8::1'],
  ])('%s is %s', (hex, text) => expect(procAddress(hex)).toBe(text));

  it('refuses what is not an address', () => {
    for (const bad of ['', 'zz00007F', '0100007', '0100007F00']) expect(procAddress(bad)).toBeNull();
  });
});

describe('canonicalAddress', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  ])('%s → %s', (given, canonical) => expect(canonicalAddress(given)).toBe(canonical));
});

describe('parseProcNetTcp', () => {
  it('keys each connection by its peer and local port, with its send queue', () => {
    const text = [header, line('0100007F:0BB8', '0100007F:A1B2', 123_456), line('0100007F:0BB8', '0100007F:A1B3', 0), '   garbage', ''].join('\n');
    expect([...parseProcNetTcp(text)]).toEqual([
      ['127.0.0.1|41394|3000', 123_456],
      ['127.0.0.1|41395|3000', 0],
    ]);
  });
});

describe('KernelSendQueues', () => {
  it('sees the bytes a peer that stopped reading leaves in the kernel, which Node does not', async () => {
    let serverSide: Socket | null = null;
    const server = createServer((s) => (serverSide = s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    client.pause();
    while (!serverSide) await new Promise((r) => setTimeout(r, 5));
    const side = serverSide as Socket;
    // Far more than the peer's receive buffer takes.
    for (let i = 0; i < 40; i++) side.write(Buffer.alloc(64 * 1024));
    await new Promise((r) => setTimeout(r, 200));

    const queues = new KernelSendQueues(0);
    queues.refresh(Date.now());
    let queued: number | null = null;
    for (let i = 0; i < 100 && !queued; i++) {
      await new Promise((r) => setTimeout(r, 10));
      queued = queues.queued(side);
    }
    expect(queues.available).toBe(true);
    expect(queued).toBeGreaterThan(256 * 1024);
    expect(side.writableLength).toBeLessThan(queued!);
    client.destroy();
    side.destroy();
    server.close();
  });

  it('answers null, and stays quiet, where the tables cannot be read', async () => {
    const queues = new KernelSendQueues(0, ['/nonexistent/tcp']);
    queues.refresh(Date.now());
    await new Promise((r) => setTimeout(r, 20));
    expect(queues.available).toBe(false);
    expect(queues.queued({ remoteAddress: '127.0.0.1', remotePort: 1, localPort: 2 })).toBeNull();
  });
});
