import type { Action, Role, Stream, TokenPanel } from './access';
import type { TriageState } from './alert-workflow';
import type { AuditEvent } from './schemas/audit-event';
import type { LagHistorySnapshot } from './lag/lag-history';
import type { LagReport } from './lag/lag-report';
import type { PipelineStatus } from './pipeline-status';
import type { AlertActionRequest } from './schemas/alert-action';
import type { FraudAlert } from './schemas/fraud-alert';
import type { MarketplaceKpis } from './schemas/marketplace-kpis';
import type { OpsKpis } from './schemas/ops-kpis';
import type { SurgeCell } from './schemas/surge-cell';
import type { Viewport } from './viewport';
import { driverStatuses, type DriverStatus } from './schemas/driver-location';

/**
 * The Socket.IO wire protocol, shared by the gateway and the browser so that a renamed event
 * or field fails to compile on both sides.
 *
 * A subscriber first gets a snapshot, then deltas. Both carry a sequence number: a delta whose
 * seq is not the previous one + 1 means something was missed and the client resubscribes.
 */

/** [driverId, lon, lat, statusCode, headingDeg, eventTimeMs]: one driver as a store holds it. */
export type DriverTuple = [string, number, number, number, number, number];

/**
 * All drivers. `ids` is the gateway's driver dictionary (index -> driver id, '' for a free
 * slot); `data` holds the positions in the binary form of lib/driver-wire.ts, keyed by those
 * indices.
 */
export interface DriverSnapshot {
  readonly seq: number;
  /** Gateway clock when the snapshot was taken (epoch ms). */
  readonly sentAt: number;
  readonly ids: string[];
  readonly data: ArrayBuffer | Uint8Array;
}

/**
 * What changed since the previous delta. `assigned` are dictionary entries given out since
 * then, as [index, driver id]: a new driver takes a slot that an earlier delta removed (so the
 * dictionary stays as large as the fleet, not as every id ever seen) or one past the end.
 * Setting them again is harmless (a snapshot taken between two deltas carries them too).
 * `data` holds upserts and removals in the binary form of lib/driver-wire.ts.
 */
export interface DriverDelta {
  readonly seq: number;
  readonly sentAt: number;
  readonly assigned: readonly (readonly [number, string])[];
  readonly data: ArrayBuffer | Uint8Array;
}

export interface GatewayStatus {
  readonly ready: boolean;
  /** Serving what it has but not receiving from Kafka (broker unreachable, consumer down). */
  readonly degraded: boolean;
  /** Which of the gateway's streams are not receiving ("drivers", "alerts", ...); empty when none. */
  readonly degradedStreams: readonly string[];
  readonly drivers: number;
  /** Newest event time the gateway has applied (epoch ms), 0 before the first record. */
  readonly newestEventTime: number;
}

/**
 * An alert as a role may see it (lib/protection.ts): card fields are null where the role may
 * not see them, the location coarsened where it may not see it precisely.
 */
export type ShownAlert = Omit<FraudAlert, 'bin' | 'last4' | 'cardToken'> & {
  readonly bin: string | null;
  readonly last4: string | null;
  readonly cardToken: string | null;
};

/** An alert and where triage stands. */
export interface AlertRecord {
  readonly alert: ShownAlert;
  readonly triage: Omit<TriageState, 'appliedActionIds'>;
}

export type ActionResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** One record the pipeline set aside (dead letter or late event), as an operator may see it. */
export interface QuarantineSample {
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp (epoch ms). */
  readonly at: number;
  readonly reason: string;
  /** topic[partition]@offset of the original record, when the job recorded it. */
  readonly source: string | null;
  readonly job: string | null;
  /** The original bytes as text, card numbers masked and cut short; null where withheld (PCI scope). */
  readonly payload: string | null;
  /** The payload with locations coarsened, for roles that may not see them precisely; null once projected. */
  readonly coarsePayload?: string | null;
}

/** A dead-letter or late-events topic: everything counted by reason, the newest samples kept. */
export interface QuarantinedTopic {
  readonly topic: string;
  readonly count: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly samples: readonly QuarantineSample[];
}

/** Records in a topic (log end minus log start, summed over partitions: markers included). */
export interface TopicOffsets {
  readonly topic: string;
  readonly end: number;
  readonly records: number;
}

/** What the pipeline page draws besides Flink's own status: topic sizes and quarantined data. */
export interface PipelineData {
  /** Poll time (epoch ms). */
  readonly at: number;
  readonly topics: readonly TopicOffsets[];
  readonly quarantine: readonly QuarantinedTopic[];
}

/** The newest surge window per H3 cell and the last hour of KPI and marketplace minutes, as Flink committed them. */
export interface AnalyticsState {
  readonly surge: {
    readonly windowEnd: number | null;
    readonly cells: readonly SurgeCell[];
    /** Ends of the recent windows the gateway keeps, oldest first: what 'surge:window' can return. */
    readonly windowEnds: readonly number[];
  };
  readonly kpis: readonly OpsKpis[];
  readonly marketplace: readonly MarketplaceKpis[];
}

/** Who the gateway took this socket for, and what it may do: sent once on connect. */
export interface SessionInfo {
  readonly name: string;
  readonly role: Role;
  readonly kind: 'user' | 'token';
  readonly panels: readonly TokenPanel[] | null;
  readonly expiresAt: number;
  readonly streams: readonly Stream[];
  readonly actions: readonly Action[];
}

/** Why a socket is being closed on purpose (the client does not reconnect). */
export interface SessionEnd {
  readonly reason: 'expired' | 'revoked' | 'signed-out' | 'role-changed';
  readonly message: string;
}

export interface ServerToClientEvents {
  'session:info': (info: SessionInfo) => void;
  /** A fresh short-lived token for a wall or embed, to present on its next connect. */
  'session:token': (renewed: { token: string; expiresAt: number }) => void;
  /** Sent just before the gateway closes the socket. */
  'session:ended': (end: SessionEnd) => void;
  /** A subscription or action the permission table refuses this socket. */
  'access:denied': (denial: { what: string; reason: string }) => void;
  /** Admins: the newest audit events on subscribe, then new ones as they are read. */
  'audit:snapshot': (events: AuditEvent[]) => void;
  'audit:events': (events: AuditEvent[]) => void;
  'drivers:snapshot': (snapshot: DriverSnapshot) => void;
  'drivers:delta': (delta: DriverDelta) => void;
  'gateway:status': (status: GatewayStatus) => void;
  /** The whole lag report, on subscribe and after every poll (it is small). */
  'lag:report': (report: LagReport) => void;
  /** The last 24 hours of each group's lag (lag.history), on subscribe, before the report. */
  'lag:history': (history: LagHistorySnapshot) => void;
  /** Flink job health, on subscribe and after every poll. */
  'pipeline:status': (status: PipelineStatus) => void;
  /** Topic offsets and quarantined records, on pipeline subscribe and after every poll. */
  'pipeline:data': (data: PipelineData) => void;
  'alerts:snapshot': (alerts: AlertRecord[]) => void;
  /** Alerts that changed (new, or triage moved), sent at most once per delta interval. */
  'alerts:update': (alerts: AlertRecord[]) => void;
  /** On subscribe, then at most once a second while surge cells or KPIs change. */
  'analytics:state': (state: AnalyticsState) => void;
}

export interface ClientToServerEvents {
  'audit:subscribe': () => void;
  'drivers:subscribe': () => void;
  'drivers:unsubscribe': () => void;
  /**
   * Only drivers inside this viewport from now on (a fresh snapshot follows); null for the
   * whole city. Deltas of a viewport client count their own sequence.
   */
  'drivers:viewport': (viewport: Viewport | null) => void;
  'lag:subscribe': () => void;
  'lag:unsubscribe': () => void;
  'pipeline:subscribe': () => void;
  'analytics:subscribe': () => void;
  /** Every cell of one recent surge window (for the map's time scrubber); null when not kept. */
  'surge:window': (windowEnd: number, done: (cells: SurgeCell[] | null) => void) => void;
  'alerts:subscribe': () => void;
  /** Acknowledged once the action is durably in alert-actions, or refused with a reason. */
  'alerts:action': (request: AlertActionRequest, done: (result: ActionResult) => void) => void;
}

export const SOCKET_PATH = '/socket.io';

/**
 * The newest alerts a gateway keeps and a screen holds (about 5 hours of the simulated city's
 * 6 cases a minute): older ones leave both, so a wall left on for weeks stays the same size.
 */
export const ALERTS_KEPT = 2000;

/** Drops the oldest entries of an insertion-ordered map until it holds at most `max`. */
export function trimOldest<K, V>(map: Map<K, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}

/** Most slots a dictionary may have: far beyond any city's fleet, far below a hostile index. */
export const MAX_DICTIONARY_SLOTS = 1 << 22;

/**
 * Writes a delta's assigned slots into a dictionary (free slots are ''); false, changing
 * nothing, when an index is not a slot a gateway could have given out.
 */
export function assignSlots(dictionary: string[], assigned: readonly (readonly [number, string])[]): boolean {
  if (!assigned.every(([i]) => Number.isInteger(i) && i >= 0 && i < MAX_DICTIONARY_SLOTS)) return false;
  for (const [i, id] of assigned) {
    while (dictionary.length < i) dictionary.push('');
    dictionary[i] = id;
  }
  return true;
}

export function statusCode(status: DriverStatus): number {
  return driverStatuses.indexOf(status);
}

export function statusFromCode(code: number): DriverStatus {
  return driverStatuses[code] ?? 'offline';
}
