export interface RateLimiterOptions {
  /** Sustained rate: operations a minute per caller. */
  readonly perMinute: number;
  /** Operations a caller may send at once after a quiet spell (the bucket's capacity). */
  readonly burst: number;
  /** Callers remembered at most; the least recently seen are forgotten first. */
  readonly maxCallers?: number;
  /** Milliseconds since some epoch; injected so that tests control time. */
  readonly now?: () => number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one operation from the caller's bucket, or says how long to wait for one. */
  take(callerKey: string): RateDecision;
  /** Whether the caller's bucket holds less than one operation now (takes nothing). */
  isExhausted(callerKey: string): boolean;
  /** Callers currently remembered. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

/** Buckets looked at per `take` to forget idle callers (bounded work per operation). */
const SWEEP_PER_TAKE = 4;

/**
 * A token bucket per caller: it holds up to `burst` operations and refills at `perMinute`.
 * Memory is bounded: a bucket that has refilled to the brim says nothing a new bucket would not,
 * so the least recently seen buckets are dropped once full, and the least recently seen caller is
 * forgotten when more than `maxCallers` are remembered (a Map iterates in insertion order, and a
 * caller is re-inserted on every operation).
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, burst, maxCallers = 10_000, now = Date.now } = options;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, at: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, at - bucket.at) * perMs);
    bucket.at = at;
  };

  const forgetIdle = (at: number) => {
    let looked = 0;
    for (const [key, bucket] of buckets) {
      if (looked++ >= SWEEP_PER_TAKE) break;
      refill(bucket, at);
      if (bucket.tokens < burst) break;
      buckets.delete(key);
    }
    while (buckets.size > maxCallers) {
      const oldest = buckets.keys().next();
      if (oldest.done) break;
      buckets.delete(oldest.value);
    }
  };

  return {
    take(callerKey) {
      const at = now();
      const bucket = buckets.get(callerKey) ?? { tokens: burst, at };
      buckets.delete(callerKey);
      refill(bucket, at);
      let decision: RateDecision;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        decision = { allowed: true };
      } else {
        decision = { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
      }
      buckets.set(callerKey, bucket);
      forgetIdle(at);
      return decision;
    },
    isExhausted(callerKey) {
      const bucket = buckets.get(callerKey);
      if (!bucket) return false;
      refill(bucket, now());
      return bucket.tokens < 1;
    },
    get size() {
      return buckets.size;
    },
  };
}
