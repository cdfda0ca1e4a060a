import type { ExecutionResult } from 'graphql';

export interface ClientQueueOptions {
  /** Most events that may wait for one client before it is cut off. */
  readonly limit: number;
  /** Called once when the limit is passed; the queue then ends. */
  readonly onOverflow: (limit: number) => void;
}

/** What waits for one client's subscription, in order. */
export interface ClientQueue {
  /**
   * Adds an event. An event with a `coalesceKey` replaces a still-undelivered event with the
   * same key in place (latest wins); other events are never dropped.
   */
  push(result: ExecutionResult, coalesceKey?: string): void;
  /** Ends the stream after what is queued (upstream completed). */
  end(): void;
  readonly size: number;
  readonly iterator: AsyncIterableIterator<ExecutionResult>;
}

interface Slot {
  result: ExecutionResult;
  key: string | undefined;
}

/**
 * The bounded queue between a shared upstream subscription and one client. The client's socket
 * drains it at its own pace (graphql-ws awaits each send), so one slow client never slows
 * the others; if it falls `limit` events behind, it is told and disconnected rather than
 * allowed to grow memory without bound.
 */
export function createClientQueue(options: ClientQueueOptions): ClientQueue {
  const { limit, onOverflow } = options;
  const slots: Slot[] = [];
  const byKey = new Map<string, Slot>();
  let ended = false;
  let overflowed = false;
  let wake: (() => void) | null = null;

  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      for (;;) {
        const slot = slots.shift();
        if (slot) {
          if (slot.key !== undefined) byKey.delete(slot.key);
          return { value: slot.result, done: false };
        }
        if (ended || overflowed) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    },
    async return() {
      ended = true;
      slots.length = 0;
      byKey.clear();
      wake?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  return {
    push(result, coalesceKey) {
      if (ended || overflowed) return;
      const pending = coalesceKey === undefined ? undefined : byKey.get(coalesceKey);
      if (pending) {
        pending.result = result;
        return;
      }
      if (slots.length >= limit) {
        overflowed = true;
        slots.length = 0;
        byKey.clear();
        wake?.();
        onOverflow(limit);
        return;
      }
      const slot: Slot = { result, key: coalesceKey };
      slots.push(slot);
      if (coalesceKey !== undefined) byKey.set(coalesceKey, slot);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    get size() {
      return slots.length;
    },
    iterator,
  };
}
