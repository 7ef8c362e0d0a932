import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { testMessage } from '../../lib/notifications/payloads';
import { SinkId, SinkUrl, sinkFormats } from '../../lib/schemas/notify-sink';
import { MAX_SINKS, type NotifySinkDirectory } from '../notify-sinks';
import { postToSink } from '../sink-post';
import { addressOf } from './access-control';
import { adminOf, written, type AdminApiDeps } from './admin-api';
import { issuesText, json, readBody } from './http';

const SinkRequest = z.object({ id: SinkId, format: z.enum(sinkFormats), url: SinkUrl }).strict();
/** A test post waits this long for the receiver, no longer: the admin is waiting on the answer. */
const TEST_TIMEOUT_MS = 5_000;

export interface NotifySinkRouteDeps extends AdminApiDeps {
  readonly notifySinks: NotifySinkDirectory;
  /** Names the sender in a test payload (the gateway id). */
  readonly source: string;
}

/** Sinks with a test post in flight: one at a time each, so the button cannot flood a receiver. */
const testing = new Set<string>();

/**
 * `/api/notify-sinks`: admins list, set (add, or change the address or format of), remove and
 * try the notification sinks. Sets and removals go to governance.notify-sinks, so the sending
 * gateway, whichever it is, follows them; each is audited. Addresses are shown masked (a Slack
 * incoming-webhook address is its own credential), and sinks from the environment are listed
 * read-only.
 */
export async function notifySinksApi(d: NotifySinkRouteDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const sinks = d.notifySinks;
  const from = addressOf(req);
  const m = /^\/api\/notify-sinks(?:\/([a-z0-9-]{1,32})\/(remove|test))?$/.exec(path);
  const op = m?.[2] ?? (req.method === 'GET' ? 'list' : 'set');
  const admin = await adminOf(d, req, res, `notify-sink:${op}`);
  if (!admin) return;
  if (!m || (req.method === 'GET') !== (op === 'list') || (req.method !== 'GET' && req.method !== 'POST')) return json(res, 404, { error: 'no such route' });
  if (op === 'list') return json(res, 200, sinks.list());

  if (op === 'set') {
    const body = SinkRequest.safeParse(await readBody(req).catch(() => null));
    if (!body.success) return json(res, 400, { error: issuesText(body.error) });
    const { id, format, url } = body.data;
    if (sinks.isFromEnvironment(id)) return json(res, 409, { error: `${id} is set by the environment (NOTIFY_* variables); choose another name` });
    const known = sinks.get(id) !== undefined;
    if (!known && sinks.size >= MAX_SINKS) return json(res, 409, { error: `there are ${MAX_SINKS} sinks already, the most there may be: remove one first` });
    if (!(await written(d, res, 'the sink', () => sinks.put(id, format, url, admin.name)))) return;
    d.audit.record({ actor: admin, action: 'notify-sink-set', target: id, outcome: 'ok', from, detail: `${known ? 'changed' : 'added'}: ${format} ${new URL(url).host}` });
    return json(res, known ? 200 : 201, sinks.list().find((s) => s.id === id));
  }

  const id = m[1]!;
  const sink = sinks.get(id);
  if (!sink) return json(res, 404, { error: `no sink ${id}` });
  if (op === 'remove') {
    if (sink.source === 'environment') return json(res, 409, { error: `${id} is set by the environment (NOTIFY_* variables): change it there` });
    if (!(await written(d, res, 'the removal', () => sinks.remove(id)))) return;
    d.audit.record({ actor: admin, action: 'notify-sink-remove', target: id, outcome: 'ok', from, detail: `was ${sink.format} ${new URL(sink.url).host}` });
    return json(res, 200, { removed: id });
  }
  if (testing.has(id)) return json(res, 409, { error: `a test message to ${id} is on its way already` });
  testing.add(id);
  try {
    const result = await postToSink(sink, testMessage(id, admin.name, Date.now()), d.source, TEST_TIMEOUT_MS);
    d.audit.record({ actor: admin, action: 'notify-sink-test', target: id, outcome: result.ok ? 'ok' : 'failed', from, detail: result.detail });
    return json(res, 200, result);
  } finally {
    testing.delete(id);
  }
}
