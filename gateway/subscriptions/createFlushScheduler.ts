/** Something with queued output to write when the scheduler says so. */
export interface Flushable {
  flush(): void;
}

/** Batches the output of every client connection into flush passes; see {@link createFlushScheduler}. */
export interface FlushScheduler {
  /** Asks for `target.flush()` in the next pass. */
  request(target: Flushable): void;
  close(): void;
}

/** Connections flushed before a pass lets the event loop handle I/O (see createFlushScheduler). */
const DEFAULT_SLICE = 64;

/**
 * Runs flush passes over the connections that have output waiting, at most one pass every
 * `intervalMs`. After a quiet spell the first event goes out on the next turn of the event loop;
 * under load, each connection's events of one interval leave in one socket write instead of one
 * write each, which is what lets one process serve hundreds of consoles. With `intervalMs` 0,
 * every turn of the event loop that queued output ends with a pass.
 *
 * A pass over hundreds of sockets takes milliseconds; it flushes `slice` connections per turn
 * of the event loop, so that the I/O waiting meanwhile (the answers of entity fetches that
 * complete the next events) is handled between slices rather than after the whole pass.
 */
export function createFlushScheduler(intervalMs: number, slice = DEFAULT_SLICE): FlushScheduler {
  let waiting = new Set<Flushable>();
  let cancel: (() => void) | null = null;
  let lastPass = Number.NEGATIVE_INFINITY;
  // The pass under way: what it has yet to flush.
  let due: Iterator<Flushable> | null = null;

  const schedule = (fn: () => void, waitMs: number) => {
    if (waitMs <= 0) {
      const immediate = setImmediate(fn);
      cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(fn, waitMs);
      cancel = () => clearTimeout(timer);
    }
  };

  const pass = () => {
    cancel = null;
    if (!due) {
      lastPass = performance.now();
      due = waiting.values();
      waiting = new Set();
    }
    for (let flushed = 0; flushed < slice; flushed += 1) {
      const next = due.next();
      if (next.done) {
        due = null;
        // Asked for during the pass: the next pass, an interval after this one began.
        if (waiting.size > 0) schedule(pass, lastPass + intervalMs - performance.now());
        return;
      }
      // A target that asked again during the pass is flushed now and leaves the next pass.
      waiting.delete(next.value);
      next.value.flush();
    }
    schedule(pass, 0);
  };

  return {
    request(target) {
      waiting.add(target);
      // A pass under way or scheduled takes it, or schedules the next pass when it ends.
      if (cancel || due) return;
      schedule(pass, lastPass + intervalMs - performance.now());
    },
    close() {
      cancel?.();
      cancel = null;
      due = null;
      waiting.clear();
    },
  };
}
