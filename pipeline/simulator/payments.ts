import { luhnCheckDigit } from '../../lib/card';
import type { CityDefinition } from '../../lib/city';
import { round6 } from '../../lib/geo';
import { gaussian, seededRandom, type Random } from '../../lib/random';
import { SteadyRate } from './steady-rate';
import type { FraudCase } from '../../lib/schemas/fraud-case';
import type { Payment } from '../../lib/schemas/payment';

/**
 * Card payments for trips and the marketplace, seeded and driven by simulated time, with
 * fraud injected on a schedule. Each injected case is a script of payments on a card of its
 * own; when its last payment is out, the case goes to the ground truth with its payment ids,
 * so the fraud job can be scored for precision, recall and detection latency.
 *
 * Ordinary cards pay a few times an hour, near their holder's home, amounts around their own
 * typical value; none of that should trip a rule.
 */

export interface PaymentOptions {
  readonly city: CityDefinition;
  readonly seed: number;
  readonly paymentsPerSecond: number;
  readonly cards: number;
  /** Injected fraud cases per simulated minute, the four rules in turn. */
  readonly fraudCasesPerMinute: number;
}

interface Card {
  readonly number: string;
  readonly riderId: string;
  readonly deviceId: string;
  readonly home: { lat: number; lon: number };
  readonly typicalAmount: number;
}

interface Scripted {
  readonly atMs: number;
  readonly card: Card;
  readonly amount: number;
  readonly where: { lat: number; lon: number };
  readonly caseRef: { id: string; rule: FraudCase['rule']; paymentIds: string[]; remaining: number } | null;
  readonly fraudulent: boolean;
}

const BINS = ['411111', '431940', '455673', '520000', '555555', '652150'];
const MERCHANTS = ['RideCo Trips', 'QuickMart', 'Bazaar Online', 'FreshGrocer', 'TechKart', 'CafeCorner', 'BookNook', 'PharmaPlus'];
/** Far enough from Bengaluru that no one gets there between two payments. */
const FAR_CITIES = [
  { lat: 28.6139, lon: 77.209 },
  { lat: 19.076, lon: 72.8777 },
  { lat: 22.5726, lon: 88.3639 },
  { lat: 1.3521, lon: 103.8198 },
];
const RULES: FraudCase['rule'][] = ['card-testing', 'velocity', 'impossible-travel', 'amount-anomaly'];
/** Twice the velocity rule's window (6 payments in 2 minutes) between an ordinary card's payments. */
const MIN_CYCLE_SECONDS = 240;

export class PaymentModel {
  private readonly rnd: Random;
  private readonly cards: Card[];
  private readonly scripted: Scripted[] = [];
  /** Ordinary cards pay in turn, in a seeded order: a card pays once per cycle, never in bursts. */
  private readonly order: number[];
  private turn = 0;
  private nowMs = 0;
  private readonly rate: SteadyRate;
  private issued = 0;
  private cases = 0;
  private nextCaseAtMs: number;

  constructor(private readonly options: PaymentOptions) {
    this.rate = new SteadyRate(options.paymentsPerSecond);
    this.rnd = seededRandom(options.seed ^ 0xca4d);
    const cycleSeconds = options.cards / Math.max(options.paymentsPerSecond, 1e-9);
    if (cycleSeconds < MIN_CYCLE_SECONDS) {
      throw new Error(`${options.cards} cards at ${options.paymentsPerSecond}/s would pay every ${cycleSeconds.toFixed(0)} s; ordinary cards must pay less often than every ${MIN_CYCLE_SECONDS} s or they look like velocity fraud`);
    }
    this.cards = Array.from({ length: options.cards }, (_, i) => this.newCard(`rdr-${String(i + 1).padStart(6, '0')}`));
    this.order = shuffled(options.cards, this.rnd);
    this.nextCaseAtMs = this.caseEveryMs() / 2;
  }

  /** Advances simulated time; returns the payments made meanwhile and the cases they completed. */
  step(dtMs: number, eventTimeMs: number): { payments: Payment[]; cases: FraudCase[] } {
    this.nowMs += dtMs;
    while (this.options.fraudCasesPerMinute > 0 && this.nextCaseAtMs <= this.nowMs) {
      this.inject(RULES[this.cases % RULES.length]!, this.nextCaseAtMs);
      this.nextCaseAtMs += this.caseEveryMs();
    }
    const payments: Payment[] = [];
    const cases: FraudCase[] = [];
    const ordinary = this.rate.due(dtMs);
    for (let i = 0; i < ordinary; i++) {
      const card = this.cards[this.order[this.turn++ % this.order.length]!]!;
      payments.push(this.payment(card, card.typicalAmount * Math.exp(0.25 * gaussian(this.rnd)), jitter(this.rnd, card.home, 0.01), eventTimeMs));
    }
    this.scripted.sort((a, b) => a.atMs - b.atMs);
    while (this.scripted.length > 0 && this.scripted[0]!.atMs <= this.nowMs) {
      const s = this.scripted.shift()!;
      const p = this.payment(s.card, s.amount, s.where, eventTimeMs);
      payments.push(p);
      if (!s.caseRef) continue;
      if (s.fraudulent) s.caseRef.paymentIds.push(p.paymentId);
      if (--s.caseRef.remaining === 0) {
        cases.push({ caseId: s.caseRef.id, rule: s.caseRef.rule, paymentIds: s.caseRef.paymentIds, completedAt: eventTimeMs });
      }
    }
    return { payments, cases };
  }

  private caseEveryMs(): number {
    return 60_000 / Math.max(this.options.fraudCasesPerMinute, 1e-9);
  }

  /** Queues the payments of one case, starting at simulated time `at`. */
  private inject(rule: FraudCase['rule'], at: number): void {
    this.cases++;
    const card = this.newCard(`rdr-fraud-${this.options.seed}-${this.cases}`);
    const caseRef = { id: `case-${this.options.seed}-${this.cases}`, rule, paymentIds: [] as string[], remaining: 0 };
    const add = (offsetMs: number, amount: number, where: { lat: number; lon: number }, fraudulent: boolean): void => {
      caseRef.remaining++;
      this.scripted.push({ atMs: at + offsetMs, card, amount, where, caseRef, fraudulent });
    };
    const somewhere = jitter(this.rnd, card.home, 0.02);
    switch (rule) {
      case 'card-testing': {
        // A few tiny probes, then the real purchase.
        const probes = 3 + this.rnd.int(2);
        for (let i = 0; i < probes; i++) add(i * 8_000, 1 + this.rnd.int(9), somewhere, true);
        add(probes * 8_000 + 15_000, 8_000 + this.rnd.int(17_000), somewhere, true);
        break;
      }
      case 'velocity':
        for (let i = 0; i < 6; i++) add(i * 15_000, 200 + this.rnd.int(700), jitter(this.rnd, somewhere, 0.01), true);
        break;
      case 'impossible-travel':
        add(0, card.typicalAmount, somewhere, true);
        add(60_000 + this.rnd.int(60_000), card.typicalAmount, this.rnd.pick(FAR_CITIES), true);
        break;
      case 'amount-anomaly':
        // An ordinary history first (not fraud), spaced so that no 6 payments fall within the
        // velocity rule's 2 minutes, then one payment far above it.
        for (let i = 0; i < 6; i++) add(i * 25_000, card.typicalAmount * Math.exp(0.25 * gaussian(this.rnd)), somewhere, false);
        add(5 * 25_000 + 30_000, card.typicalAmount * (12 + this.rnd.int(8)), somewhere, true);
        break;
    }
  }

  private payment(card: Card, amount: number, where: { lat: number; lon: number }, ts: number): Payment {
    this.issued++;
    const trip = this.rnd.chance(0.7);
    return {
      paymentId: `pay-${this.options.seed}-${this.issued}`,
      cardNumber: card.number,
      cardCountry: 'IN',
      merchant: trip ? MERCHANTS[0]! : this.rnd.pick(MERCHANTS.slice(1)),
      kind: trip ? 'trip' : 'marketplace',
      amount: Math.round(amount * 100) / 100,
      currency: 'INR',
      deviceId: card.deviceId,
      ipLat: round6(where.lat),
      ipLon: round6(where.lon),
      riderId: card.riderId,
      ts,
    };
  }

  private newCard(riderId: string): Card {
    const partial = this.rnd.pick(BINS) + Array.from({ length: 9 }, () => this.rnd.int(10)).join('');
    const { bbox } = this.options.city;
    return {
      number: partial + luhnCheckDigit(partial),
      riderId,
      deviceId: `dev-${Math.floor(this.rnd.next() * 2 ** 32).toString(16)}`,
      home: { lat: this.rnd.between(bbox.south, bbox.north), lon: this.rnd.between(bbox.west, bbox.east) },
      typicalAmount: 150 + this.rnd.int(600),
    };
  }
}

function shuffled(n: number, rnd: Random): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function jitter(rnd: Random, p: { lat: number; lon: number }, deg: number): { lat: number; lon: number } {
  return { lat: p.lat + rnd.between(-deg, deg), lon: p.lon + rnd.between(-deg, deg) };
}
