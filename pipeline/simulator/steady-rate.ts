/**
 * Whole events due at a steady rate per simulated step; the fraction left over carries into
 * the next step, so a rate of 0 gives none and 0.5/s gives one every two seconds.
 */
export class SteadyRate {
  private carry = 0;

  constructor(private readonly perSecond: number) {}

  due(dtMs: number): number {
    this.carry += (Math.max(0, this.perSecond) * dtMs) / 1000;
    const n = Math.floor(this.carry);
    this.carry -= n;
    return n;
  }
}
