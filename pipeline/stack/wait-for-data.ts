import type { Say } from './supervisor';

interface Readiness {
  ready: boolean;
  drivers: number;
  newestEventTime: number;
}

/**
 * Waits until the gateway is caught up and holds fresh driver positions, i.e. data flows end
 * to end; then loads the dashboard page once so that its first view is already compiled.
 */
export async function waitForLiveData(url: string, say: Say, timeoutMs: number, isStopping: () => boolean): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let lastNote = 0;
  let last: Readiness | null = null;
  while (Date.now() < deadline && !isStopping()) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      last = (await res.json()) as Readiness;
      if (last.ready && last.drivers > 0 && Date.now() - last.newestEventTime < 15_000) {
        await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch(() => undefined);
        return last;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      say(`[stack] waiting for live data${last ? ` (gateway ready=${last.ready}, drivers=${last.drivers})` : ' (gateway not answering yet)'}...`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no live data reached the gateway within ${timeoutMs / 1000} s; see the logs under .streamwatch/`);
}
