/**
 * Delay before a device's next poll: `pollIntervalMs` while it answers; after `n` failed polls
 * in a row, `pollIntervalMs × 2^(n-1)`, capped at `pollIntervalMs × 10`, so that a dead device
 * costs little and a recovered one is noticed within ten intervals.
 */
export function nextPollDelayMs(pollIntervalMs: number, consecutiveFailures: number): number {
  if (consecutiveFailures <= 0) return pollIntervalMs;
  // Capping the exponent first keeps 2 ** n finite however long the device stays down.
  return Math.min(pollIntervalMs * 2 ** Math.min(consecutiveFailures - 1, 10), pollIntervalMs * MAX_BACKOFF_FACTOR);
}

export const MAX_BACKOFF_FACTOR = 10;
