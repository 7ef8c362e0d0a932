import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyAction, initialTriage, type TriageState } from './alert-workflow';
import { AlertActionRequest, type AlertAction } from './schemas/alert-action';

let clock = 1_000;
const act = (a: Partial<AlertAction> & Pick<AlertAction, 'type'>): AlertAction =>
  ({ actionId: randomUUID(), alertId: 'al-1', by: 'asha', at: clock++, ...a }) as AlertAction;

function run(...actions: AlertAction[]): TriageState {
  return actions.reduce((state, a) => {
    const outcome = applyAction(state, a);
    return outcome.kind === 'applied' ? outcome.state : state;
  }, initialTriage);
}

describe('alert triage', () => {
  it.each<[string, AlertAction[], Partial<TriageState>]>([
    ['acknowledge moves new to acknowledged', [act({ type: 'acknowledge' })], { status: 'acknowledged' }],
    ['assign names the assignee', [act({ type: 'acknowledge' }), act({ type: 'assign', assignee: 'ravi' })], { status: 'assigned', assignee: 'ravi' }],
    ['assign straight from new is allowed', [act({ type: 'assign', assignee: 'ravi' })], { status: 'assigned', assignee: 'ravi' }],
    ['reassign replaces the assignee', [act({ type: 'assign', assignee: 'ravi' }), act({ type: 'assign', assignee: 'meera' })], { assignee: 'meera' }],
    ['resolve records the resolution and its note', [act({ type: 'resolve', resolution: 'fraud', note: 'card blocked' })], { status: 'resolved', resolution: 'fraud' }],
    ['comments keep their order', [act({ type: 'comment', text: 'one' }), act({ type: 'comment', text: 'two' })], { status: 'new' }],
  ])('%s', (_name, actions, expected) => {
    expect(run(...actions)).toMatchObject(expected);
  });

  it.each<[string, AlertAction[], AlertAction, string]>([
    ['a second acknowledge', [act({ type: 'acknowledge' })], act({ type: 'acknowledge' }), 'the alert is already acknowledged'],
    ['acknowledging an assigned alert', [act({ type: 'assign', assignee: 'x' })], act({ type: 'acknowledge' }), 'the alert is already assigned'],
    ['assigning a resolved alert', [act({ type: 'resolve', resolution: 'legitimate' })], act({ type: 'assign', assignee: 'x' }), 'the alert is already resolved'],
    ['resolving twice', [act({ type: 'resolve', resolution: 'legitimate' })], act({ type: 'resolve', resolution: 'fraud' }), 'the alert is already resolved'],
  ])('rejects %s', (_name, before, action, reason) => {
    expect(applyAction(run(...before), action)).toEqual({ kind: 'rejected', reason });
  });

  it('still takes comments on a resolved alert', () => {
    const state = run(act({ type: 'resolve', resolution: 'fraud' }), act({ type: 'comment', text: 'chargeback filed' }));
    expect(state.comments.map((c) => c.text)).toEqual(['chargeback filed']);
  });

  it('applies a retried action once', () => {
    const ack = act({ type: 'comment', text: 'hello' });
    const once = run(ack);
    expect(applyAction(once, ack)).toEqual({ kind: 'duplicate' });
    expect(run(ack, ack).comments).toHaveLength(1);
  });
});

describe('AlertActionRequest', () => {
  it.each([
    [{ type: 'acknowledge', actionId: randomUUID(), alertId: 'a' }, true],
    [{ type: 'assign', actionId: randomUUID(), alertId: 'a', assignee: '  ' }, false],
    [{ type: 'resolve', actionId: randomUUID(), alertId: 'a', resolution: 'maybe' }, false],
    [{ type: 'comment', actionId: 'not-a-uuid', alertId: 'a', text: 'x' }, false],
    [{ type: 'delete', actionId: randomUUID(), alertId: 'a' }, false],
    [{ type: 'comment', actionId: randomUUID(), alertId: 'a', text: 'x'.repeat(2001) }, false],
  ])('%j valid: %s', (request, valid) => {
    expect(AlertActionRequest.safeParse(request).success).toBe(valid);
  });
});
