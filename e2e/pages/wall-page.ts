import type { Page, WebSocketRoute } from '@playwright/test';
import { SOCKET_PATH } from '../../lib/protocol';

/**
 * The ops wall, with its socket to the gateway routed through the test: `cutGateway()` closes
 * it and refuses reconnects, as a stopped gateway would look from the browser; `restoreGateway()`
 * lets the socket's own retries through again.
 */
export class WallPage {
  private down = false;
  private readonly sockets = new Set<WebSocketRoute>();

  constructor(readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.routeWebSocket(
      (url) => url.pathname.startsWith(SOCKET_PATH),
      (ws) => {
        if (this.down) {
          void ws.close({ code: 1001, reason: 'gateway stopped' });
          return;
        }
        ws.connectToServer();
        this.sockets.add(ws);
        ws.onClose(() => this.sockets.delete(ws));
      },
    );
    await this.page.goto(`/wall${query}`);
  }

  panel(name: 'drivers' | 'kpis' | 'alerts' | 'pipeline') {
    return this.page.getByTestId(`panel.${name}`);
  }

  unreachableBanner() {
    return this.page.getByTestId('wall.unreachable');
  }

  async cutGateway(): Promise<void> {
    this.down = true;
    await Promise.all([...this.sockets].map((ws) => ws.close({ code: 1001, reason: 'gateway stopped' })));
  }

  restoreGateway(): void {
    this.down = false;
  }

  /** The page's clock when `panel` shows `state`, checked every animation frame from now on. */
  whenFreshness(name: string, state: 'fresh' | 'stale', timeout = 60_000): Promise<number> {
    return this.page
      .waitForFunction(([n, s]) => document.querySelector(`[data-testid="panel.${n}"]`)?.getAttribute('data-freshness') === s && Date.now(), [name, state] as const, {
        polling: 'raf',
        timeout,
      })
      .then((h) => h.jsonValue() as Promise<number>);
  }
}
