import { cardViewOf, maySubscribe, seesPreciseLocations, type Role } from './access';
import type { AlertRecord, PipelineData, QuarantinedTopic } from './protocol';
import { coarsenDegrees, pseudonymise } from './pseudonym';
import { redactCardNumbers } from './redact';

/**
 * What leaves the server for a role: card fields cut to what its card view allows, rider
 * ids pseudonymised and locations coarsened where it may not see them precisely. Applied by
 * the gateway before emitting, so a role's frames never carry what it may not see.
 */

/** Roles whose projections are identical share a class (and a Socket.IO room). */
export function protectionClassOf(role: Role): string {
  return [
    cardViewOf(role),
    seesPreciseLocations(role) ? 'precise' : 'coarse',
    maySubscribe(role, 'quarantine') ? 'samples' : 'counts',
    maySubscribe(role, 'pipeline') ? 'topics' : 'no-topics',
  ].join(':');
}

export function showAlertRecord(record: AlertRecord, role: Role): AlertRecord {
  const view = cardViewOf(role);
  const { alert } = record;
  const located = alert.lat !== undefined && alert.lon !== undefined && !seesPreciseLocations(role);
  return {
    triage: record.triage,
    alert: {
      ...alert,
      bin: view === 'bin-last4' ? alert.bin : null,
      last4: view === 'none' ? null : alert.last4,
      cardToken: view === 'none' ? null : alert.cardToken,
      ...(located ? { lat: coarsenDegrees(alert.lat!), lon: coarsenDegrees(alert.lon!) } : {}),
    },
  };
}

/**
 * Pipeline data for a role: topic sizes for roles that may see the pipeline; quarantine counts
 * and reasons for those and for roles that may see quarantined data; record samples only for
 * the latter, with coarse locations unless the role sees precise ones. Payloads were made safe for everyone when they were read (see
 * `safePayload`); the precise and coarse forms are both kept there.
 */
export function showPipelineData(data: PipelineData, role: Role): PipelineData {
  const samples = maySubscribe(role, 'quarantine');
  const precise = seesPreciseLocations(role);
  const quarantine: QuarantinedTopic[] = data.quarantine.map((q) => ({
    ...q,
    samples: samples ? q.samples.map((s) => ({ ...s, payload: precise ? s.payload : (s.coarsePayload ?? s.payload), coarsePayload: null })) : [],
  }));
  return { ...data, topics: maySubscribe(role, 'pipeline') ? data.topics : [], quarantine };
}

const riderIdField = /("riderId"\s*:\s*")([^"\\]*)/g;
const locationField = /("(?:lat|lon|ipLat|ipLon)"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;

/**
 * A raw record's text as anyone may see it: card numbers masked to BIN + last 4, rider ids
 * pseudonymised with `key`. Works on broken JSON too (what dead letters are made of): a
 * truncated rider id is pseudonymised as it stands.
 */
export function safePayload(text: string, key: string): string {
  return redactCardNumbers(text).replace(riderIdField, (_m, prefix: string, id: string) => `${prefix}${pseudonymise(id, key)}`);
}

/** The same text with every latitude/longitude field snapped to its coarse cell. */
export function coarsePayload(text: string): string {
  return text.replace(locationField, (_m, prefix: string, value: string) => {
    const v = Number(value);
    return Number.isFinite(v) ? `${prefix}${coarsenDegrees(v)}` : `${prefix}${value}`;
  });
}
