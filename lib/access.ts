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

/**
 * What a wall or embed token may show: the whole wall, or single embeddable panels. A token
 * principal may subscribe to a stream only when its role may and one of its panels needs it.
 */
export const tokenPanels = ['wall', 'map', 'kpis', 'alerts', 'pipeline'] as const;
export type TokenPanel = (typeof tokenPanels)[number];
const panelStreams: Record<TokenPanel, readonly Stream[]> = {
  wall: ['drivers', 'surge', 'kpis', 'alerts', 'lag', 'pipeline'],
  map: ['drivers', 'surge', 'alerts'],
  kpis: ['kpis'],
  alerts: ['alerts'],
  pipeline: ['pipeline', 'lag'],
};

/** Roles a scoped token may carry: people sign in, screens and other tools get tokens. */
export const tokenRoles = ['wall', 'embed'] as const satisfies readonly Role[];
export type TokenRole = (typeof tokenRoles)[number];

/** Who is on the other end of a socket or request, as the gateway established it. */
export interface Principal {
  readonly kind: 'user' | 'token';
  /** User name, or `token:<label>` for a screen. */
  readonly name: string;
  readonly role: Role;
  /** For tokens: the panels it may show; null for users (the role alone decides). */
  readonly panels: readonly TokenPanel[] | null;
  /** When the session or token stops being valid (epoch ms). */
  readonly expiresAt: number;
  /** The grant a token was issued under, for revocation. */
  readonly grantId: string | null;
  /** A person's session: its id (for signing it out), when it began, how they signed in; null for tokens. */
  readonly session: { readonly id: string; readonly began: number; readonly via: 'password' | 'sso' } | null;
}

export function principalMaySubscribe(p: Principal, stream: Stream): boolean {
  if (!maySubscribe(p.role, stream)) return false;
  return p.panels === null || p.panels.some((panel) => panelStreams[panel].includes(stream));
}

export function principalMayAct(p: Principal, action: Action): boolean {
  return p.kind === 'user' && mayAct(p.role, action);
}

/** Streams whose every subscription is written to the audit trail. */
export const sensitiveStreams: ReadonlySet<Stream> = new Set(['alerts', 'quarantine', 'audit']);
