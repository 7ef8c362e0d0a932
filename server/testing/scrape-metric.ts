/** One unlabelled series' value from a gateway's /metrics (0 when absent), as Prometheus would scrape it. */
export async function scrapeMetric(base: string, name: string): Promise<number> {
  const body = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(body)?.[1] ?? 0);
}
