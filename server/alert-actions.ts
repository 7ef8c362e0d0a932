import type { Producer } from 'kafkajs';
import type { ActionResult } from '../lib/protocol';
import { AlertActionRequest, type AlertAction } from '../lib/schemas/alert-action';
import { topics } from '../lib/topics';
import type { AlertView } from './alert-view';

/**
 * Takes a client's triage action: validates it, checks it against the current state, and
 * writes it to alert-actions. It is applied when it comes back from the topic, like every
 * other gateway's actions, so that all instances agree on the order.
 */
export async function submitAlertAction(
  input: unknown,
  by: string,
  view: AlertView,
  producer: Producer,
  now: () => number,
): Promise<ActionResult> {
  const parsed = AlertActionRequest.safeParse(input);
  if (!parsed.success) {
    return { ok: false, reason: `invalid action: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'action'}: ${i.message}`).join('; ')}` };
  }
  const request = parsed.data;
  const refused = view.check(request);
  if (refused) return { ok: false, reason: refused };
  const action: AlertAction = { ...request, by, at: now() };
  await producer.send({ topic: topics.alertActions.name, acks: -1, messages: [{ key: action.alertId, value: JSON.stringify(action) }] });
  return { ok: true };
}
