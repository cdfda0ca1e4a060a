import type { SignatureReplayCache } from './gatewaySignature';

export interface MemoryReplayCacheOptions {
  /** The verifiers' skew: a signature older than this is refused as expired, so it need not be kept. */
  readonly maxSkewMs: number;
  /** Signatures kept at most. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * The signatures of one process, in memory: enough where one process runs every subgraph (the
 * embedded database). Kept while they could still verify (their time within the skew), in a
 * Map in arrival order, so that expiry and eviction take from its head. Full, it evicts the
 * oldest and from then refuses every signature dated at or before the newest evicted one:
 * what it forgot it can no longer tell from a replay, so it refuses rather than forgets. The
 * gateway's signatures are fresh (milliseconds old), so only a cache sized below the traffic of
 * a skew refuses good ones.
 */
export function createMemoryReplayCache(options: MemoryReplayCacheOptions): SignatureReplayCache {
  const { maxSkewMs, maxEntries = 200_000, now = Date.now } = options;
  const used = new Map<string, number>();
  /** Signatures dated at or before this were evicted unexpired: refused. */
  let forgottenThrough = Number.NEGATIVE_INFINITY;

  return {
    claim(mac, signedAt) {
      if (signedAt <= forgottenThrough) return false;
      // Arrival order is nearly time order (clocks of gateway replicas differ a little), so
      // dropping expired entries from the head keeps the Map to about a skew of traffic.
      const expiredBefore = now() - maxSkewMs;
      for (const [oldest, oldestAt] of used) {
        if (oldestAt >= expiredBefore) break;
        used.delete(oldest);
      }
      if (used.has(mac)) return false;
      if (used.size >= maxEntries) {
        const [oldest, oldestAt] = used.entries().next().value ?? [];
        if (oldest !== undefined && oldestAt !== undefined) {
          used.delete(oldest);
          forgottenThrough = Math.max(forgottenThrough, oldestAt);
          if (signedAt <= forgottenThrough) return false;
        }
      }
      used.set(mac, signedAt);
      return true;
    },
  };
}
