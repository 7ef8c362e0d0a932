import { describe, expect, it } from 'vitest';
import { actions, cardViewOf, mayAct, maySubscribe, roles, seesPreciseLocations, streams, type Action, type Role, type Stream } from './access';

/** The whole table, written out: a change to who sees what must change this test too. */
const Y = true;
const N = false;
const subscriptions: Record<Role, Record<Stream, boolean>> = {
  //               drivers surge kpis alerts lag pipeline quarantine audit
  admin:           { drivers: Y, surge: Y, kpis: Y, alerts: Y, lag: Y, pipeline: Y, quarantine: Y, audit: Y },
  'fraud-analyst': { drivers: Y, surge: Y, kpis: Y, alerts: Y, lag: N, pipeline: N, quarantine: Y, audit: N },
  ops:             { drivers: Y, surge: Y, kpis: Y, alerts: Y, lag: Y, pipeline: Y, quarantine: Y, audit: N },
  viewer:          { drivers: Y, surge: Y, kpis: Y, alerts: N, lag: Y, pipeline: Y, quarantine: N, audit: N },
  wall:            { drivers: Y, surge: Y, kpis: Y, alerts: Y, lag: Y, pipeline: Y, quarantine: N, audit: N },
  embed:           { drivers: Y, surge: Y, kpis: Y, alerts: Y, lag: N, pipeline: N, quarantine: N, audit: N },
};
const acts: Record<Role, Record<Action, boolean>> = {
  admin:           { 'alert:acknowledge': Y, 'alert:assign': Y, 'alert:resolve': Y, 'alert:comment': Y, 'token:issue': Y, 'token:revoke': Y },
  'fraud-analyst': { 'alert:acknowledge': Y, 'alert:assign': Y, 'alert:resolve': Y, 'alert:comment': Y, 'token:issue': N, 'token:revoke': N },
  ops:             { 'alert:acknowledge': Y, 'alert:assign': N, 'alert:resolve': N, 'alert:comment': Y, 'token:issue': N, 'token:revoke': N },
  viewer:          { 'alert:acknowledge': N, 'alert:assign': N, 'alert:resolve': N, 'alert:comment': N, 'token:issue': N, 'token:revoke': N },
  wall:            { 'alert:acknowledge': N, 'alert:assign': N, 'alert:resolve': N, 'alert:comment': N, 'token:issue': N, 'token:revoke': N },
  embed:           { 'alert:acknowledge': N, 'alert:assign': N, 'alert:resolve': N, 'alert:comment': N, 'token:issue': N, 'token:revoke': N },
};

describe('permission table', () => {
  it.each(roles.flatMap((r) => streams.map((s) => [r, s] as const)))('%s subscribing to %s', (role, stream) => {
    expect(maySubscribe(role, stream)).toBe(subscriptions[role][stream]);
  });

  it.each(roles.flatMap((r) => actions.map((a) => [r, a] as const)))('%s taking %s', (role, action) => {
    expect(mayAct(role, action)).toBe(acts[role][action]);
  });

  it('shows card data only to roles that triage, and never more than BIN + last 4', () => {
    expect(roles.map((r) => [r, cardViewOf(r)])).toEqual([
      ['admin', 'bin-last4'], ['fraud-analyst', 'bin-last4'], ['ops', 'last4'], ['viewer', 'none'], ['wall', 'none'], ['embed', 'none'],
    ]);
    expect(roles.filter(seesPreciseLocations)).toEqual(['admin', 'fraud-analyst']);
  });
});
