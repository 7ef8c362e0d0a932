/**
 * The latest value of a stream the gateway sends whole (lag report, pipeline status), outside
 * React. `subscribe` asks the gateway for it (on every connect); `listen` hands each new value in.
 */
export class LatestValueStore<T> {
  private value: T | null = null;
  private at = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    onConnect: (handler: () => void) => void,
    requestValue: () => void,
    listen: (set: (value: T) => void) => void,
    connected: boolean,
    private readonly now: () => number = () => Date.now(),
  ) {
    onConnect(requestValue);
    listen((value) => {
      this.value = value;
      this.at = this.now();
      for (const l of this.listeners) l();
    });
    if (connected) requestValue();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T | null => this.value;

  /** Client clock when the last value arrived (ms), 0 before any: for freshness badges. */
  receivedAt = (): number => this.at;
}
