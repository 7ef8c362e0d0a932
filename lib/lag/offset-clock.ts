/**
 * When each offset of a partition was appended, told by watching its log end move: time lag
 * for topics whose records a reader may not read (raw.payments holds card numbers; the
 * gateway's principal may only see its offsets). Each poll records where the end stood; the
 * record at offset o was appended when the end first passed o, which lies between the last
 * poll that had not reached it and the first that had: interpolated, it is at most one poll
 * interval off. Offsets older than what was watched are unknown (null), not guessed.
 */
export class OffsetClock {
  private readonly marks = new Map<string, { end: number; at: number }[]>();
  /** When each partition's end was last seen where its newest mark has it. */
  private readonly lastSeen = new Map<string, number>();

  /** @param maxMarks per partition: at a 5 s poll, 720 watch an hour of a partition that never stops. */
  constructor(private readonly maxMarks = 720) {}

  /** The log end seen at `at`. */
  observe(topic: string, partition: number, end: number, at: number): void {
    const key = `${topic}\u0000${partition}`;
    const marks = this.marks.get(key) ?? [];
    const last = marks[marks.length - 1];
    if (last && end === last.end) {
      this.lastSeen.set(key, at);
      return;
    }
    // An end going back (a recreated topic) starts over.
    if (last && (end < last.end || at < last.at)) marks.length = 0;
    // The appends since the last mark came after the end was last seen unmoved: a stalled
    // partition's new records are dated after the stall, not spread over it.
    const seen = this.lastSeen.get(key);
    const newest = marks[marks.length - 1];
    if (newest && seen !== undefined && seen > newest.at) marks.push({ end: newest.end, at: seen });
    this.lastSeen.set(key, at);
    marks.push({ end, at });
    if (marks.length > this.maxMarks) marks.splice(0, marks.length - this.maxMarks);
    this.marks.set(key, marks);
  }

  /** When the record at `offset` was appended (epoch ms), or null if that was before the watch began or has not happened. */
  appendedAt(topic: string, partition: number, offset: number): number | null {
    const marks = this.marks.get(`${topic}\u0000${partition}`);
    if (!marks) return null;
    const after = marks.findIndex((m) => m.end > offset);
    if (after <= 0) return null;
    const before = marks[after - 1]!;
    const reached = marks[after]!;
    // Appends between two polls are spread evenly over the interval.
    const share = (offset + 1 - before.end) / (reached.end - before.end);
    return Math.round(before.at + share * (reached.at - before.at));
  }

  /** Forgets partitions no longer asked about (a deleted topic): the map stays bounded by what is watched. */
  retain(keep: (topic: string, partition: number) => boolean): void {
    for (const key of this.marks.keys()) {
      const [topic, partition] = key.split('\u0000');
      if (keep(topic!, Number(partition))) continue;
      this.marks.delete(key);
      this.lastSeen.delete(key);
    }
  }

  get partitions(): number {
    return this.marks.size;
  }
}
