import type { FlushScheduler } from './createFlushScheduler';

/** A message as the outbox hands it to `write`: its channel's head, then its own body. */
export interface OutboxMessage<H, T> {
  readonly head: H;
  readonly body: T;
}

export interface ConnectionOutboxOptions<H, T> {
  /** Most messages that may wait for one connection before it is cut off. */
  readonly limit: number;
  readonly scheduler: FlushScheduler;
  /** True while the socket's own buffer is full; the outbox then holds (and coalesces) messages. */
  readonly isCongested: () => boolean;
  /** Writes messages in order, as one socket write where the transport allows. */
  readonly write: (messages: readonly OutboxMessage<H, T>[]) => void;
  /** Called once when the limit is passed; the outbox is closed by then. */
  readonly onOverflow: (limit: number) => void;
}

/** What waits to be written to one client connection, in order, across its subscriptions. */
export interface ConnectionOutbox<H, T> {
  /**
   * The queue of one of the connection's subscriptions; `head` goes with each of its messages
   * (for a subscription, the start of every message, which names it).
   */
  channel(head: H): OutboxChannel<T>;
  /** Writes what waits, unless the socket is congested (call again when it drains). */
  flush(): void;
  close(): void;
  /** Messages waiting (coalesced ones count once). */
  readonly size: number;
}

/** One subscription's messages within a connection's outbox. */
export interface OutboxChannel<T> {
  /**
   * Queues a message. A message with a `coalesceKey` replaces a still-unwritten message of this
   * channel with the same key in place (latest wins); other messages are never dropped.
   */
  push(body: T, coalesceKey?: string): void;
  /** Calls `callback` once every message this channel queued so far has been written. */
  after(callback: () => void): void;
  /** Forgets this channel's unwritten messages (the client stopped the subscription). */
  drop(): void;
}

interface Entry<H, T> extends OutboxMessage<H, T> {
  body: T;
  /** The flush pass the entry waits for; a keyed entry of an earlier pass is no longer pending. */
  readonly pass: number;
  /** Dropped messages and end markers are not written. */
  skip: boolean;
  readonly callback: (() => void) | undefined;
}

/**
 * The bounded queue between the shared subscription streams and one client's socket. Messages
 * wait here until the next flush pass (see createFlushScheduler) and leave together in one
 * write; while the client's socket is congested they keep waiting, position updates of one unit
 * coalesce (latest wins), and a client that falls `limit` messages behind is cut off rather than
 * allowed to grow memory without bound. One slow client never slows the others.
 */
export function createConnectionOutbox<H, T>(options: ConnectionOutboxOptions<H, T>): ConnectionOutbox<H, T> {
  const { limit, scheduler, isCongested, write, onOverflow } = options;
  let entries: Entry<H, T>[] = [];
  let pass = 0;
  let size = 0;
  let closed = false;
  // Set from the first message of a pass until the pass: asking the scheduler once is enough
  // (once for the interval's pass, once more for an urgent one).
  let requested = false;
  let requestedUrgent = false;

  const request = (urgent: boolean) => {
    if (urgent) {
      if (requestedUrgent) return;
      requestedUrgent = true;
      scheduler.request(outbox, true);
      return;
    }
    if (requested) return;
    requested = true;
    scheduler.request(outbox);
  };

  const outbox: ConnectionOutbox<H, T> = {
    channel(head) {
      const mine: Entry<H, T>[] = [];
      // Keyed messages of this channel by key; only entries of the current pass are pending.
      const pending = new Map<string, Entry<H, T>>();
      return {
        push(body, coalesceKey) {
          if (closed) return;
          if (coalesceKey !== undefined) {
            const waiting = pending.get(coalesceKey);
            if (waiting !== undefined && waiting.pass === pass && !waiting.skip) {
              waiting.body = body;
              return;
            }
          }
          if (size >= limit) {
            outbox.close();
            onOverflow(limit);
            return;
          }
          const entry: Entry<H, T> = { head, body, pass, skip: false, callback: undefined };
          entries.push(entry);
          if (coalesceKey !== undefined) pending.set(coalesceKey, entry);
          if (mine.length > 0 && mine[0]?.pass !== pass) mine.length = 0;
          mine.push(entry);
          size += 1;
          // Messages that do not coalesce (calls, incidents, statuses) are few and awaited: urgent.
          request(coalesceKey === undefined);
        },
        after(callback) {
          if (closed) return;
          entries.push({ head, body: undefined as T, pass, skip: true, callback });
          request(true);
        },
        drop() {
          pending.clear();
          for (const entry of mine) {
            if (entry.pass !== pass || entry.skip) continue;
            entry.skip = true;
            size -= 1;
          }
          mine.length = 0;
        },
      };
    },
    flush() {
      requested = false;
      requestedUrgent = false;
      if (closed || entries.length === 0) return;
      if (isCongested()) return; // the socket's drain asks again
      const due = entries;
      entries = [];
      pass += 1;
      size = 0;
      let start = 0;
      for (let index = 0; index < due.length; index += 1) {
        const entry = due[index] as Entry<H, T>;
        if (!entry.callback) continue;
        // Whatever the subscription sent before its end leaves before the end is announced.
        writeLive(due, start, index);
        start = index + 1;
        entry.callback();
      }
      writeLive(due, start, due.length);
    },
    close() {
      closed = true;
      entries = [];
      size = 0;
    },
    get size() {
      return size;
    },
  };

  const writeLive = (due: readonly Entry<H, T>[], start: number, end: number) => {
    let live: Entry<H, T>[] | readonly Entry<H, T>[] = due.slice(start, end);
    if (live.some((entry) => entry.skip)) live = live.filter((entry) => !entry.skip);
    if (live.length > 0) write(live);
  };
  return outbox;
}
