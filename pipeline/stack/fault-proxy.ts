import { createServer, Socket, type Server } from 'node:net';

export type FaultMode = 'pass' | 'pause' | 'blackhole' | 'reset';

/**
 * A TCP proxy of our own between clients and a server (the gateway and the broker), that can
 * misbehave on demand: `pause` stops moving bytes (connections stay open, requests hang),
 * `blackhole` reads and drops everything, `reset` kills every connection with RST and refuses
 * new ones the same way. Back to `pass`, paused connections carry on; blackholed and reset ones
 * are gone (their bytes were lost), so clients reconnect.
 */
export class FaultProxy {
  private mode: FaultMode = 'pass';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; spoiled: boolean }>();
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  get connections(): number {
    return this.pairs.size;
  }

  set(mode: FaultMode): void {
    const before = this.mode;
    this.mode = mode;
    for (const pair of this.pairs) {
      if (mode === 'reset') {
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
      } else if (mode === 'pause') {
        pair.client.pause();
        pair.upstream.pause();
      } else if (mode === 'blackhole') {
        pair.spoiled = true;
      } else if (mode === 'pass') {
        if (pair.spoiled || before === 'blackhole') {
          pair.client.destroy();
          pair.upstream.destroy();
        } else {
          pair.client.resume();
          pair.upstream.resume();
        }
      }
    }
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = new Socket();
    const pair = { client, upstream, spoiled: this.mode === 'blackhole' };
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (pair.spoiled || this.mode === 'blackhole') return;
        to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (this.mode === 'pause') {
      client.pause();
      upstream.pause();
    }
    upstream.connect(this.targetPort, this.targetHost);
  }
}
