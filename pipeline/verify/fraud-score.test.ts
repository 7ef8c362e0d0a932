import { describe, expect, it } from 'vitest';
import type { FraudCase } from '../../lib/schemas/fraud-case';
import { percentiles, scoreFraud, type ScoredAlert } from './fraud-score';

const fraudCase = (caseId: string, rule: FraudCase['rule'], paymentIds: string[], completedAt: number): FraudCase => ({ caseId, rule, paymentIds, completedAt });
const alert = (alertId: string, rule: ScoredAlert['rule'], paymentIds: string[], detectedAt: number, visibleAt?: number): ScoredAlert => ({
  alertId,
  rule,
  paymentIds,
  eventTime: detectedAt - 100,
  detectedAt,
  ...(visibleAt === undefined ? {} : { visibleAt }),
});

describe('scoreFraud', () => {
  const cases = [
    fraudCase('c1', 'velocity', ['p1', 'p2', 'p3'], 1_000),
    fraudCase('c2', 'card-testing', ['p4', 'p5'], 2_000),
    fraudCase('c3', 'impossible-travel', ['p6', 'p7'], 3_000),
    fraudCase('c4', 'amount-anomaly', ['p9'], 99_000),
  ];

  it('counts precision by shared payments and recall by same-rule alerts', () => {
    const s = scoreFraud(
      [
        alert('a1', 'velocity', ['p2', 'p3'], 1_800, 2_500),
        alert('a2', 'velocity', ['p1'], 1_500, 2_400),
        // Right payments, wrong rule: a true alert, but it does not detect c2.
        alert('a3', 'amount-anomaly', ['p5'], 2_600),
        alert('a4', 'impossible-travel', ['p6', 'p7'], 4_000, 5_000),
        alert('a5', 'velocity', ['x1', 'x2'], 9_000),
      ],
      cases,
      10_000,
    );
    expect(s.alerts).toBe(5);
    expect(s.truePositives).toBe(4);
    expect(s.precision).toBeCloseTo(0.8);
    // c4 completed after the cut-off and is not scored.
    expect(s.cases).toBe(3);
    expect(s.detected).toBe(2);
    expect(s.missed.map((c) => c.caseId)).toEqual(['c2']);
    expect(s.falseAlerts.map((a) => a.alertId)).toEqual(['a5']);
    // The earliest alert of a case counts: a2 at 1 500 for c1 (500 ms), a4 for c3 (1 000 ms).
    expect(s.detectionLatencyMs).toEqual({ n: 2, p50: 500, p99: 1_000, max: 1_000 });
    expect(s.visibleLatencyMs).toEqual({ n: 2, p50: 1_400, p99: 2_000, max: 2_000 });
  });

  it('scores nothing as zero rather than dividing by it', () => {
    const s = scoreFraud([], []);
    expect([s.precision, s.recall, s.detectionLatencyMs]).toEqual([0, 0, null]);
  });
});

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ n: 100, p50: 50, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ n: 1, p50: 7, p99: 7, max: 7 });
  });
});
