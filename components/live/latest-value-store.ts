/**
 * The latest value of a stream the gateway sends whole (lag report, pipeline status), outside
 * React. `subscribe` asks the gateway for it (on every connect); `listen` hands each new value in.
 */
export class LatestValueStore<T> {
  private value: T | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(onConnect: (handler: () => void) => void, requestValue: () => void, listen: (set: (value: T) => void) => void, connected: boolean) {
    onConnect(requestValue);
    listen((value) => {
      this.value = value;
      for (const l of this.listeners) l();
    });
    if (connected) requestValue();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T | null => this.value;
}
