/** Why a change-feed subscriber was cut off. */
export class SubscriberOverflowError extends Error {
  constructor(limit: number) {
    super(`Subscriber fell more than ${limit} changes behind and was disconnected; subscribe again`);
    this.name = 'SubscriberOverflowError';
  }
}

export interface ChangeFeed<C> {
  /** Hands a change to every subscriber whose selector takes it. Never blocks. */
  publish(change: C): void;
  /**
   * Changes from now on, as chosen and shaped by `select` (undefined skips one). A subscriber
   * that lets more than `limit` pile up is ended with {@link SubscriberOverflowError} rather
   * than growing memory without bound.
   */
  subscribe<T>(select: (change: C) => T | undefined, limit?: number): AsyncIterableIterator<T>;
  /** How many subscribers are attached. */
  readonly subscriberCount: number;
}

interface Subscriber<C> {
  offer(change: C): void;
}

/** An in-process fan-out of a subgraph's entity changes to its GraphQL subscriptions. */
export function createChangeFeed<C>(): ChangeFeed<C> {
  const subscribers = new Set<Subscriber<C>>();
  return {
    publish(change) {
      for (const subscriber of subscribers) subscriber.offer(change);
    },
    get subscriberCount() {
      return subscribers.size;
    },
    subscribe<T>(select: (change: C) => T | undefined, limit = 10_000): AsyncIterableIterator<T> {
      const queue: T[] = [];
      let failure: Error | null = null;
      let closed = false;
      let wake: (() => void) | null = null;
      const detach = () => {
        closed = true;
        subscribers.delete(subscriber);
        wake?.();
      };
      const subscriber: Subscriber<C> = {
        offer(change) {
          const value = select(change);
          if (value === undefined || closed) return;
          if (queue.length >= limit) {
            failure = new SubscriberOverflowError(limit);
            detach();
          } else {
            queue.push(value);
            wake?.();
          }
        },
      };
      subscribers.add(subscriber);
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (queue.length > 0) return { value: queue.shift() as T, done: false };
            if (failure) throw failure;
            if (closed) return { value: undefined, done: true };
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
          }
        },
        async return(): Promise<IteratorResult<T>> {
          detach();
          queue.length = 0;
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
}
