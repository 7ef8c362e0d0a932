/**
 * Smooth driver movement between updates: each driver glides from where it is drawn to its
 * newest position over `durationMs` (about one ping interval), instead of jumping once a
 * second. Positions are [lon, lat] pairs in a Float32Array aligned with `ids`.
 */
export class PositionTween {
  private ids: readonly string[] = [];
  private from: Float32Array = new Float32Array(0);
  private to: Float32Array = new Float32Array(0);
  private start = 0;

  constructor(
    private readonly durationMs: number,
    /** Further than this (degrees) is a jump (a new trip, a resync): drawn at once, not glided. */
    private readonly jumpDegrees = 0.01,
  ) {}

  /** Sets the newest positions; drivers already drawn continue from where they are now. */
  retarget(ids: readonly string[], positions: Float32Array, now: number): void {
    const current = this.at(now);
    const index = new Map<string, number>();
    this.ids.forEach((id, i) => index.set(id, i));
    const from = new Float32Array(positions.length);
    for (let i = 0; i < ids.length; i++) {
      const j = index.get(ids[i]!);
      const [x, y] = [positions[i * 2]!, positions[i * 2 + 1]!];
      const [px, py] = j === undefined ? [x, y] : [current[j * 2]!, current[j * 2 + 1]!];
      const jump = Math.abs(px - x) > this.jumpDegrees || Math.abs(py - y) > this.jumpDegrees;
      from[i * 2] = jump ? x : px;
      from[i * 2 + 1] = jump ? y : py;
    }
    this.ids = ids;
    this.from = from;
    this.to = positions;
    this.start = now;
  }

  /**
   * Drawn positions at `now`, in a new array: deck.gl skips re-uploading an attribute whose
   * array is the one it already has, so a reused buffer would not move on screen.
   */
  at(now: number): Float32Array {
    const t = this.durationMs <= 0 ? 1 : Math.min(1, Math.max(0, (now - this.start) / this.durationMs));
    const { from, to } = this;
    const out = new Float32Array(to.length);
    for (let i = 0; i < out.length; i++) out[i] = from[i]! + (to[i]! - from[i]!) * t;
    return out;
  }

  /** Whether positions still change at `now`. */
  moving(now: number): boolean {
    return now - this.start < this.durationMs;
  }
}
