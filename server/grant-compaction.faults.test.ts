import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessGrant } from '../lib/schemas/access-grant';
import { topics } from '../lib/topics';
import { testKafka } from '../pipeline/stack/kafka-test-client';
import { startTestBroker } from '../pipeline/stack/test-broker';
import { AuditView } from './audit';
import { GrantStore } from './auth/grants';
import { SessionEnds } from './auth/sessions';
import { UserDirectory } from './auth/users';
import { NotifySinkDirectory } from './notify-sinks';
import { GovernanceIngest } from './governance-ingest';

/**
 * A revoked grant's id tombstoned on governance.grants, and compaction let run until the
 * grant and its revocation are gone from the log: a gateway that starts afterwards (replaying
 * the topic) must still refuse the token. Fail-open (any validly signed token whose grant is
 * unknown) served it again.
 */
const SECRET = 'grant-compaction-test-secret-0123456789';
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let k: ReturnType<typeof testKafka>;

beforeAll(async () => {
  broker = await startTestBroker();
  k = testKafka(broker.brokers);
  // Compaction soon rather than at 16 MiB: small segments, any dirt cleanable, tombstones kept briefly.
  const admin = k.kafka.admin();
  await admin.connect();
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{
      type: 2, // TOPIC
      name: topics.accessGrants.name,
      // AlterConfigs replaces the topic's whole set: the catalog's compaction is restated.
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '-1' },
        { name: 'segment.ms', value: '500' },
        { name: 'min.cleanable.dirty.ratio', value: '0.01' },
        { name: 'delete.retention.ms', value: '1000' },
        { name: 'min.compaction.lag.ms', value: '0' },
      ],
    }],
  });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await k?.close();
  await broker?.stop();
});

async function startedGateway(): Promise<{ grants: GrantStore; ingest: GovernanceIngest; invalid: () => number }> {
  const kafka = new Kafka({ clientId: 'grant-compaction-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const grants = new GrantStore(SECRET, 60_000);
  let invalid = 0;
  const ingest = new GovernanceIngest({
    kafka, groupId: `gw-${randomUUID()}`, grants, audit: new AuditView(), users: new UserDirectory(async () => undefined), sessionEnds: new SessionEnds(60_000), sinks: new NotifySinkDirectory([], async () => undefined), log: pino({ level: 'silent' }),
    count: (_topic, outcome) => {
      if (outcome === 'invalid') invalid++;
    },
  });
  await ingest.start();
  const deadline = Date.now() + 60_000;
  while (!ingest.ready) {
    if (Date.now() > deadline) throw new Error('governance ingest not ready after 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { grants, ingest, invalid: () => invalid };
}

describe('a revoked grant tombstoned and compacted away', () => {
  it('stays refused by a gateway that replays the topic afterwards', async () => {
    const now = Date.now();
    const grant: AccessGrant = {
      grantId: randomUUID(), label: 'NOC wall', role: 'wall', panels: ['wall'], origins: [],
      issuedBy: 'admin', issuedAt: now, expiresAt: now + 3_600_000, revokedAt: null, revokedBy: null,
    };
    const topic = topics.accessGrants.name;
    const token = (await new GrantStore(SECRET, 60_000).tokenFor(grant, now, 'grant')).token;
    await k.produce(topic, grant.grantId, JSON.stringify(grant), now);

    const first = await startedGateway();
    expect(await first.grants.verify(token)).toMatchObject({ ok: true });
    await k.produce(topic, grant.grantId, JSON.stringify({ ...grant, revokedAt: now + 1, revokedBy: 'admin' }), now + 1);
    await k.produce(topic, grant.grantId, null, now + 2);

    // Roll segments (a record after segment.ms) until the cleaner has removed the grant and its revocation.
    const started = Date.now();
    let left = Infinity;
    for (let i = 0; Date.now() - started < 120_000; i++) {
      await new Promise((r) => setTimeout(r, 700));
      await k.produce(topic, `filler-${i % 3}`, null, Date.now());
      const all = await k.readUntil(topic, () => false, 1500, true);
      left = all.filter((m) => m.key?.toString() === grant.grantId && m.value !== null).length;
      if (left === 0) break;
    }
    const compactedIn = Date.now() - started;
    expect(left, 'the grant and its revocation compacted away').toBe(0);
    // The gateway that saw the revocation refuses the token; so does one started now.
    expect(await first.grants.verify(token, Date.now(), 0)).toEqual({ ok: false, reason: 'revoked' });
    await first.ingest.stop();
    const restarted = await startedGateway();
    const check = await restarted.grants.verify(token, Date.now(), 500);
    await restarted.ingest.stop();
    console.log(`[grants] grant and revocation compacted away ${(compactedIn / 1000).toFixed(1)} s after the tombstone; a gateway replaying the topic then: ${JSON.stringify(check)}; tombstones it counted as invalid: ${restarted.invalid()}`);
    expect(check).toEqual({ ok: false, reason: 'unknown' });
  }, 240_000);
});
