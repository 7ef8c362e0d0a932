/**
 * Who may see and do what: the one permission table the gateway enforces on every
 * subscription and every action (issue #7), and the data-protection level each role gets.
 * Roles: admin, fraud-analyst, ops, viewer, wall (unattended screens), embed (other tools).
 */
export const roles = ['admin', 'fraud-analyst', 'ops', 'viewer', 'wall', 'embed'] as const;
export type Role = (typeof roles)[number];

export const streams = ['drivers', 'surge', 'kpis', 'alerts', 'lag', 'pipeline', 'quarantine', 'audit'] as const;
export type Stream = (typeof streams)[number];

export const actions = ['alert:acknowledge', 'alert:assign', 'alert:resolve', 'alert:comment', 'token:issue', 'token:revoke'] as const;
export type Action = (typeof actions)[number];

const everyStream = new Set<Stream>(streams);
const canSee: Record<Role, ReadonlySet<Stream>> = {
  admin: everyStream,
  'fraud-analyst': new Set(['drivers', 'surge', 'kpis', 'alerts', 'quarantine']),
  ops: new Set(['drivers', 'surge', 'kpis', 'alerts', 'lag', 'pipeline', 'quarantine']),
  viewer: new Set(['drivers', 'surge', 'kpis', 'lag', 'pipeline']),
  wall: new Set(['drivers', 'surge', 'kpis', 'alerts', 'lag', 'pipeline']),
  embed: new Set(['drivers', 'surge', 'kpis', 'alerts']),
};

const canDo: Record<Role, ReadonlySet<Action>> = {
  admin: new Set(actions),
  'fraud-analyst': new Set(['alert:acknowledge', 'alert:assign', 'alert:resolve', 'alert:comment']),
  ops: new Set(['alert:acknowledge', 'alert:comment']),
  viewer: new Set(),
  wall: new Set(),
  embed: new Set(),
};

export function maySubscribe(role: Role, stream: Stream): boolean {
  return canSee[role].has(stream);
}

export function mayAct(role: Role, action: Action): boolean {
  return canDo[role].has(action);
}

/**
 * How much of a card a role may see: BIN + last 4 (PCI DSS allows no more) for those who
 * triage fraud, the last 4 only for ops, nothing for the rest.
 */
export type CardView = 'bin-last4' | 'last4' | 'none';
const cardViews: Record<Role, CardView> = { admin: 'bin-last4', 'fraud-analyst': 'bin-last4', ops: 'last4', viewer: 'none', wall: 'none', embed: 'none' };

export function cardViewOf(role: Role): CardView {
  return cardViews[role];
}

/** Whether a role sees precise rider locations (else coarsened to a few hundred metres). */
export function seesPreciseLocations(role: Role): boolean {
  return role === 'admin' || role === 'fraud-analyst';
}
