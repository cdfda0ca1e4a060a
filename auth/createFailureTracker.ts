/** Counts failed authentications per key and locks a key out; see {@link createFailureTracker}. */
export interface FailureTracker {
  /** Until when `key` is locked out (ms since epoch), or null. */
  lockedUntil(key: string): number | null;
  /** Records a failure; returns the lock's end when this failure locked the key. */
  recordFailure(key: string): number | null;
  /** A successful authentication clears the key's failures. */
  recordSuccess(key: string): void;
}

export interface FailureTrackerOptions {
  /** Failures within `windowMs` that lock the key (CJIS 5.5.3: at most 5). */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  readonly now?: () => number;
  /** Keys tracked at once; the oldest are forgotten beyond it, so a flood cannot exhaust memory. */
  readonly maxKeys?: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Failed-logon accounting: `maxFailures` failures for one key within `windowMs` lock that key
 * for `lockoutMs`. Keys are identities (the token's claimed subject) or client addresses.
 */
export function createFailureTracker(options: FailureTrackerOptions): FailureTracker {
  const { maxFailures, windowMs, lockoutMs, now = Date.now, maxKeys = 100_000 } = options;
  const entries = new Map<string, Entry>();

  return {
    lockedUntil(key) {
      const entry = entries.get(key);
      return entry && entry.lockedUntil > now() ? entry.lockedUntil : null;
    },
    recordFailure(key) {
      const at = now();
      let entry = entries.get(key);
      if (!entry) {
        if (entries.size >= maxKeys) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        entry = { failures: [], lockedUntil: 0 };
        entries.set(key, entry);
      }
      entry.failures = entry.failures.filter((time) => time > at - windowMs);
      entry.failures.push(at);
      if (entry.failures.length >= maxFailures && entry.lockedUntil <= at) {
        entry.lockedUntil = at + lockoutMs;
        entry.failures = [];
        return entry.lockedUntil;
      }
      return null;
    },
    recordSuccess(key) {
      const entry = entries.get(key);
      if (entry && entry.lockedUntil <= now()) entries.delete(key);
    },
  };
}
