import { payloadFor, type Message, type SinkSpec } from '../lib/notifications/payloads';

/** How one post to a sink went: ok on a 2xx answer; detail for the audit trail. */
export interface PostResult {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Posts one message to a sink. Never throws: a refused connection, a timeout or a non-2xx
 * answer is a result. Redirects are refused (a sink is the address it was given).
 */
export async function postToSink(sink: Pick<SinkSpec, 'url' | 'format'>, message: Message, source: string, timeoutMs: number): Promise<PostResult> {
  try {
    const res = await fetch(sink.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'streamwatch-notifier' },
      body: JSON.stringify(payloadFor(sink, message, source)),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    // The body is not ours to keep; read it so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.ok, detail: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, detail: (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${(err as Error).message}`.slice(0, 200) };
  }
}
