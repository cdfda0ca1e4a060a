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

/**
 * Runs flush passes over the connections that have output waiting, at most one pass every
 * `intervalMs`. After a quiet spell the first event goes out on the next turn of the event loop;
 * under load, each connection's events of one interval leave in one socket write instead of one
 * write each, which is what lets one process serve hundreds of consoles. With `intervalMs` 0,
 * every turn of the event loop that queued output ends with a pass.
 */
export function createFlushScheduler(intervalMs: number): FlushScheduler {
  let waiting = new Set<Flushable>();
  let cancel: (() => void) | null = null;
  let lastPass = Number.NEGATIVE_INFINITY;

  const pass = () => {
    cancel = null;
    lastPass = performance.now();
    const due = waiting;
    waiting = new Set();
    for (const target of due) target.flush();
  };

  return {
    request(target) {
      waiting.add(target);
      if (cancel) return;
      const wait = lastPass + intervalMs - performance.now();
      if (wait <= 0) {
        const immediate = setImmediate(pass);
        cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(pass, wait);
        cancel = () => clearTimeout(timer);
      }
    },
    close() {
      cancel?.();
      cancel = null;
      waiting.clear();
    },
  };
}
