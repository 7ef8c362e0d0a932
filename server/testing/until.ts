/**
 * Waits until `condition` holds, checking every few milliseconds; fails after `timeoutMs`
 * naming what it waited for (and `detail()`, when given). Returns how long it took.
 */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  detail: () => string = () => '',
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail() ? `; ${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}
