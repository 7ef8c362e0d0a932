import { describe, expect, it } from 'vitest';
import { isLuhnValid } from '../../lib/card';
import { bengaluru } from '../../lib/city';
import { Payment } from '../../lib/schemas/payment';
import type { FraudCase } from '../../lib/schemas/fraud-case';
import { PaymentModel } from './payments';

function run(minutes: number, fraudCasesPerMinute = 4) {
  const model = new PaymentModel({ city: bengaluru, seed: 11, paymentsPerSecond: 10, cards: 3000, fraudCasesPerMinute });
  const payments: Payment[] = [];
  const cases: FraudCase[] = [];
  for (let t = 100; t <= minutes * 60_000; t += 100) {
    const out = model.step(100, 1_790_000_000_000 + t);
    payments.push(...out.payments);
    cases.push(...out.cases);
  }
  return { payments, cases };
}

describe('PaymentModel', () => {
  const { payments, cases } = run(10);
  const byId = new Map(payments.map((p) => [p.paymentId, p]));

  it('emits valid payments with Luhn-valid card numbers and unique ids', () => {
    expect(payments.length).toBeGreaterThan(5500);
    expect(byId.size).toBe(payments.length);
    for (const p of payments) {
      expect(Payment.safeParse(p).success).toBe(true);
      expect(isLuhnValid(p.cardNumber)).toBe(true);
    }
  });

  it('injects the four rules in turn, each case naming payments that exist, on a card of its own', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(['card-testing', 'velocity', 'impossible-travel', 'amount-anomaly']));
    expect(cases.length).toBeGreaterThan(25);
    for (const c of cases) {
      const evidence = c.paymentIds.map((id) => byId.get(id)!);
      expect(evidence.every(Boolean)).toBe(true);
      expect(new Set(evidence.map((p) => p.cardNumber)).size).toBe(1);
      expect(c.completedAt).toBe(Math.max(...evidence.map((p) => p.ts)));
    }
  });

  it('scripts each rule as its definition says', () => {
    const evidenceOf = (rule: FraudCase['rule']) => cases.filter((c) => c.rule === rule).map((c) => c.paymentIds.map((id) => byId.get(id)!));
    for (const ps of evidenceOf('card-testing')) {
      expect(ps.slice(0, -1).every((p) => p.amount < 10)).toBe(true);
      expect(ps.at(-1)!.amount).toBeGreaterThanOrEqual(8000);
    }
    for (const ps of evidenceOf('velocity')) expect(ps.at(-1)!.ts - ps[0]!.ts).toBeLessThan(120_000);
    for (const ps of evidenceOf('impossible-travel')) expect(Math.abs(ps[1]!.ipLat - ps[0]!.ipLat) + Math.abs(ps[1]!.ipLon - ps[0]!.ipLon)).toBeGreaterThan(3);
    for (const ps of evidenceOf('amount-anomaly')) expect(ps).toHaveLength(1);
  });

  it('never lets an ordinary card pay twice within the velocity window', () => {
    const fraudCards = new Set(cases.flatMap((c) => c.paymentIds.map((id) => byId.get(id)!.cardNumber)));
    const last = new Map<string, number>();
    let closest = Infinity;
    for (const p of payments) {
      if (fraudCards.has(p.cardNumber) || p.riderId.startsWith('rdr-fraud')) continue;
      const before = last.get(p.cardNumber);
      if (before !== undefined) closest = Math.min(closest, p.ts - before);
      last.set(p.cardNumber, p.ts);
    }
    expect(closest).toBeGreaterThan(120_000);
  });

  it('refuses a card count so small that ordinary cards would look like velocity fraud', () => {
    expect(() => new PaymentModel({ city: bengaluru, seed: 1, paymentsPerSecond: 20, cards: 100, fraudCasesPerMinute: 0 })).toThrow(/velocity/);
  });
});
