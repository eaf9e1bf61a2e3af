/**
 * The core's one publish/subscribe path: events published on a topic (`job:<id>`, later `room:<id>`) reach
 * every subscriber of that topic in order. A subscriber that falls behind by more than its buffer is told it
 * lagged instead of holding the publisher up or growing without bound; since whatever is published is also
 * kept durably (a job's journal, a room's messages), it catches up from there and goes on live.
 */

/** What a subscription delivers: the next event, or word that events were dropped and must be read from the store. */
export type Delivery<T> = { event: T } | { lagged: true };

export interface Subscription<T> extends Disposable {
  /** The next delivery, waiting for one; undefined once the subscription is closed. One reader at a time. */
  next(): Promise<Delivery<T> | undefined>;
  /** Ends the subscription; a pending read ends too (with undefined). */
  close(): void;
}

interface Subscriber<T> {
  buffer: Delivery<T>[];
  wake: (() => void) | undefined;
  closed: boolean;
}

export class Broker<T> {
  private readonly topics = new Map<string, Set<Subscriber<T>>>();

  constructor(private readonly options: { buffer?: number } = {}) {}

  /** How many subscribers a topic has (for tests and metrics). */
  subscribers(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  publish(topic: string, event: T): void {
    for (const subscriber of this.topics.get(topic) ?? []) {
      if (subscriber.buffer.length >= (this.options.buffer ?? 1024)) {
        // Dropping the backlog keeps the publisher and memory safe; the subscriber re-reads from the store.
        subscriber.buffer = [{ lagged: true }];
      } else {
        subscriber.buffer.push({ event });
      }
      subscriber.wake?.();
    }
  }

  /**
   * Subscribes to a topic from now on. Subscribe before reading what the store already holds, then skip what
   * that read returned: nothing published in between is missed. Aborting `signal` closes the subscription.
   */
  subscribe(topic: string, options: { signal?: AbortSignal } = {}): Subscription<T> {
    const subscriber: Subscriber<T> = { buffer: [], wake: undefined, closed: false };
    let subscribers = this.topics.get(topic);
    if (!subscribers) this.topics.set(topic, (subscribers = new Set()));
    subscribers.add(subscriber);
    const close = () => {
      if (subscriber.closed) return;
      subscriber.closed = true;
      subscriber.buffer = []; // nothing more is delivered once closed, backlog included
      const set = this.topics.get(topic);
      set?.delete(subscriber);
      if (set?.size === 0) this.topics.delete(topic);
      options.signal?.removeEventListener('abort', close);
      subscriber.wake?.();
    };
    if (options.signal?.aborted) close();
    else options.signal?.addEventListener('abort', close, { once: true });
    return {
      close,
      [Symbol.dispose]: close,
      async next() {
        for (;;) {
          const delivery = subscriber.buffer.shift();
          if (delivery) return delivery;
          if (subscriber.closed) return undefined;
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
        }
      },
    };
  }
}
