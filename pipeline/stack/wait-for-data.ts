import type { Say } from './supervisor';

interface Readiness {
  ready: boolean;
  drivers: number;
  newestEventTime: number;
}

/**
 * Waits until the gateway is caught up and holds fresh driver positions, i.e. data flows end
 * to end; then loads the dashboard once, as a person would (under `npm run dev` that also
 * compiles it before anyone opens it).
 */
export async function waitForLiveData(
  url: string,
  say: Say,
  timeoutMs: number,
  isStopping: () => boolean,
  admin?: { name: string; password: string },
  opsToken: string | null = null,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let lastNote = 0;
  let last: Readiness | null = null;
  while (Date.now() < deadline && !isStopping()) {
    try {
      const res = await fetch(`${url}/readyz`, { headers: opsToken ? { authorization: `Bearer ${opsToken}` } : {}, signal: AbortSignal.timeout(2000) });
      last = (await res.json()) as Readiness;
      if (last.ready && last.drivers > 0 && Date.now() - last.newestEventTime < 15_000) {
        await warmUp(url, admin).catch(() => undefined);
        return last;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      say(`[stack] waiting for live data at ${url}${last ? ` (gateway ready=${last.ready}, drivers=${last.drivers})` : ' (gateway not answering yet)'}...`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no live data reached the gateway within ${timeoutMs / 1000} s; see the logs under .streamwatch/`);
}

/**
 * Loads the dashboard once, with the scripts and styles it names: the live check of the pages,
 * and under the dev server their compilation (a first visit compiling took a browser 40 s
 * here). The dashboard is behind sign-in (the gateway's own page).
 */
async function warmUp(url: string, admin: { name: string; password: string } | undefined): Promise<void> {
  if (!admin) return;
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ name: admin.name, password: admin.password, next: '/' }),
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const headers = { cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  const html = await (await fetch(url, { headers, signal: AbortSignal.timeout(120_000) })).text();
  const assets = new Set([...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')));
  await Promise.all([...assets].map((a) => fetch(`${url}${a}`, { headers, signal: AbortSignal.timeout(120_000) }).then((r) => r.arrayBuffer(), () => undefined)));
}
