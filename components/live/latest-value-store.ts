/**
 * The latest value of a stream the gateway sends whole (lag report, pipeline status), outside
 * React. `listen` hands each new value in; asking the gateway for the stream is
 * SubscriptionRequests' job.
 */
export class LatestValueStore<T> {
  private value: T | null = null;
  private at = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    listen: (set: (value: T) => void) => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    listen((value) => {
      this.value = value;
      this.at = this.now();
      for (const l of this.listeners) l();
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T | null => this.value;

  /** Client clock when the last value arrived (ms), 0 before any: for freshness badges. */
  receivedAt = (): number => this.at;
}
