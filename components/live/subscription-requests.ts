/** The part of a socket.io client the requests use. */
export interface RequestingSocket<E extends string> {
  readonly connected: boolean;
  on(event: 'connect', handler: () => void): unknown;
  emit(event: E): unknown;
}

/**
 * Asks the gateway for a stream once per connect, however many stores its answers feed (the
 * pipeline subscription answers with the job status and with the topic data). Each ask is work
 * for the gateway and, for quarantined records, an audit event: two stores asking on their own
 * doubled both.
 */
export class SubscriptionRequests<E extends string> {
  private readonly asked = new Set<E>();

  constructor(private readonly socket: RequestingSocket<E>) {}

  /** From now on, on every connect; at once if connected. A second ask for the same stream does nothing. */
  ask(event: E): void {
    if (this.asked.has(event)) return;
    this.asked.add(event);
    this.socket.on('connect', () => this.socket.emit(event));
    if (this.socket.connected) this.socket.emit(event);
  }
}
