/** Something with queued output to write when the scheduler says so. */
export interface Flushable {
  flush(): void;
}

/** Batches the output of every client connection into flush passes; see {@link createFlushScheduler}. */
export interface FlushScheduler {
  /**
   * Asks for `target.flush()` in the next pass; `urgent` in a pass on the next turn of the event
   * loop, whatever the interval (events that do not coalesce: calls, incidents, statuses).
   */
  request(target: Flushable, urgent?: boolean): void;
  close(): void;
}

/** Connections flushed before a pass lets the event loop handle I/O (see createFlushScheduler). */
const DEFAULT_SLICE = 64;

/** One kind of pass: what waits for it, the pass under way, and its timer. */
interface Lane {
  waiting: Set<Flushable>;
  /** The pass under way: what it has yet to flush. */
  due: Iterator<Flushable> | null;
  cancel: (() => void) | null;
  lastPass: number;
}

/**
 * Runs flush passes over the connections that have output waiting, at most one pass every
 * `intervalMs`. After a quiet spell the first event goes out on the next turn of the event loop;
 * under load, each connection's events of one interval leave in one socket write instead of one
 * write each, which is what lets one process serve hundreds of consoles. With `intervalMs` 0,
 * every turn of the event loop that queued output ends with a pass.
 *
 * Position updates are the bulk of the traffic (hundreds per second, coalescing); other events
 * are few and the ones operators wait for (a new 911 call). Those are requested `urgent` and
 * leave in a pass of their own on the next turn instead of waiting for the interval: a few more
 * socket writes per such event, none per position.
 *
 * A pass over hundreds of sockets takes milliseconds; it flushes `slice` connections per turn
 * of the event loop, so that the I/O waiting meanwhile (the answers of entity fetches that
 * complete the next events) is handled between slices rather than after the whole pass.
 */
export function createFlushScheduler(intervalMs: number, slice = DEFAULT_SLICE): FlushScheduler {
  const lane = (): Lane => ({ waiting: new Set(), due: null, cancel: null, lastPass: Number.NEGATIVE_INFINITY });
  const regular = lane();
  const urgent = lane();

  const schedule = (of: Lane, waitMs: number) => {
    const fn = () => pass(of);
    if (waitMs <= 0) {
      const immediate = setImmediate(fn);
      of.cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(fn, waitMs);
      of.cancel = () => clearTimeout(timer);
    }
  };
  // Regular passes keep the interval; urgent ones go on the next turn.
  const waitOf = (of: Lane) => (of === regular ? regular.lastPass + intervalMs - performance.now() : 0);

  const pass = (of: Lane) => {
    of.cancel = null;
    if (!of.due) {
      of.lastPass = performance.now();
      of.due = of.waiting.values();
      of.waiting = new Set();
    }
    for (let flushed = 0; flushed < slice; flushed += 1) {
      const next = of.due.next();
      if (next.done) {
        of.due = null;
        // Asked for during the pass: the next pass (a regular one an interval after this one began).
        if (of.waiting.size > 0) schedule(of, waitOf(of));
        return;
      }
      // A flush writes all the target has queued: it leaves whatever else it waited for.
      regular.waiting.delete(next.value);
      urgent.waiting.delete(next.value);
      next.value.flush();
    }
    schedule(of, 0);
  };

  return {
    request(target, isUrgent = false) {
      const of = isUrgent ? urgent : regular;
      of.waiting.add(target);
      // A pass under way or scheduled takes it, or schedules the next pass when it ends.
      if (of.cancel || of.due) return;
      schedule(of, waitOf(of));
    },
    close() {
      for (const of of [regular, urgent]) {
        of.cancel?.();
        of.cancel = null;
        of.due = null;
        of.waiting.clear();
      }
    },
  };
}
