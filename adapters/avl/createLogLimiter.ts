/** The part of a pino logger the adapters use. */
export interface WarnLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link createLogLimiter}. */
export interface LogLimiterOptions {
  readonly logger?: WarnLogger | undefined;
  /** Lines written per kind of message within one interval. Default 5. */
  readonly maxPerInterval?: number;
  /** Default 60 s. */
  readonly intervalMs?: number;
  readonly now?: () => Date;
}

/** A logger that writes at most a few lines of each kind per interval. */
export interface LogLimiter {
  /**
   * Logs unless `kind` has used up its lines in this interval; the first line of the next
   * interval says how many were left out (`suppressed`).
   */
  warn(kind: string, details: Record<string, unknown>, message: string): void;
}

/**
 * Hostile input arrives by the thousand a second; one log line for each is a second flood (disk,
 * log shipping). Counts stay exact in the adapter's status; the log keeps a sample.
 */
export function createLogLimiter(options: LogLimiterOptions): LogLimiter {
  const { logger, maxPerInterval = 5, intervalMs = 60_000, now = () => new Date() } = options;
  const windows = new Map<string, { startedAt: number; written: number; suppressed: number }>();
  return {
    warn(kind, details, message) {
      if (!logger) return;
      const at = now().getTime();
      let window = windows.get(kind);
      if (!window || at - window.startedAt >= intervalMs) {
        const suppressed = window?.suppressed ?? 0;
        window = { startedAt: at, written: 0, suppressed: 0 };
        windows.set(kind, window);
        if (suppressed > 0) details = { ...details, suppressed };
      }
      if (window.written >= maxPerInterval) {
        window.suppressed += 1;
        return;
      }
      window.written += 1;
      logger.warn({ kind, ...details }, message);
    },
  };
}
