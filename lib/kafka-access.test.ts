import { describe, expect, it } from 'vitest';
import { aclRules, gatewayReads, gatewayWrites, jobCredentialSuffix, mayRead, principalOf, readersOf, services } from './kafka-access';
import { flinkJobs } from './pipeline-jobs';
import { topics, type TopicKey } from './topics';

const topicKeys = Object.keys(topics) as TopicKey[];
const writersOf = (topic: TopicKey): string[] =>
  aclRules()
    .filter((r) => r.resource === 'topic' && r.operation === 'write' && r.name === topics[topic].name)
    .map((r) => r.principal);

describe('the cluster ACLs', () => {
  it('let only the fraud and KPI jobs read card data (raw.payments), and only the fraud job its dead letters', () => {
    expect(readersOf('paymentsRaw')).toEqual(['fraud', 'kpis']);
    expect(readersOf('paymentsDlq')).toEqual(['fraud']);
    expect(writersOf('paymentsDlq')).toEqual([principalOf('fraud')]);
    expect(mayRead('gateway', 'paymentsDlqNotices')).toBe(true);
  });

  it('let the gateway read processed topics only, and write alert-actions, audit.events, governance.*, lag.history and notifications only', () => {
    for (const key of gatewayReads) expect(topics[key].name, key).not.toMatch(/^raw\./);
    expect([...gatewayWrites].sort()).toEqual(['accessGrants', 'alertActions', 'auditEvents', 'lagHistory', 'notifications', 'notifySinks', 'sessionEvents', 'userAccounts']);
    for (const key of gatewayWrites) expect(topics[key].name, key).toMatch(/^(alert-actions|audit\.events|governance\..+|lag\.history|notifications)$/);
  });

  it("give every topic exactly one writer: its Flink job, the simulator, or the gateway; late.events only the jobs that own a raw topic's late route", () => {
    for (const key of topicKeys.filter((k) => k !== 'lateEvents')) {
      const writers = writersOf(key);
      expect(writers.length, `${key}: ${writers.join(', ')}`).toBe(1);
    }
    const jobs = Object.entries(flinkJobs) as [keyof typeof flinkJobs, (typeof flinkJobs)[keyof typeof flinkJobs]][];
    for (const [job, spec] of jobs) for (const out of spec.outputs.filter((o) => o !== 'lateEvents')) expect(writersOf(out)).toEqual([principalOf(job)]);
    // Each late record carries the job that set it aside (late.job), so one topic serves them all.
    expect(writersOf('lateEvents').sort()).toEqual(jobs.filter(([, spec]) => (spec.outputs as readonly string[]).includes('lateEvents')).map(([job]) => principalOf(job)).sort());
    expect(writersOf('lateEvents').sort()).toEqual([principalOf('kpis'), principalOf('surge')].sort());
  });

  it("suffix a job's credential variables as the Flink runner looks them up (KafkaSecurityTest: drivers-positions.sql → _DRIVERS_POSITIONS)", () => {
    expect(jobCredentialSuffix('driversPositions')).toBe('DRIVERS_POSITIONS');
    expect(jobCredentialSuffix('fraud')).toBe('FRAUD');
  });

  it('name each service its own principal', () => {
    expect(new Set(services.map(principalOf)).size).toBe(services.length);
  });
});
