import type { Logger } from 'pino';
import type { AuditRecordInput } from '../../audit/auditRecord';
import type { AuditSink } from './createAuditPlugin';

export interface RefusalAuditOptions {
  readonly audit: AuditSink;
  readonly logger: Logger;
  /** Refusals of one caller or address recorded one by one in a window; the rest are summarised (AUDIT_REFUSALS_PER_MINUTE). */
  readonly perWindow: number;
  /** The window, in ms. */
  readonly windowMs?: number;
  /** Callers and addresses remembered at most; beyond, refusals of the others share one summary. */
  readonly maxKeys?: number;
  /** Milliseconds since some epoch; injected so that tests control time. */
  readonly now?: () => number;
}

export interface RefusalAudit {
  /**
   * Records one refusal of `key` (a caller key: subject or address), or counts it into the
   * window's summary when `key` has had `perWindow` records in this window, or when `limited`
   * (the caller or address is rate-limited: its flood is counted, not written row by row).
   */
  refused(key: string, record: AuditRecordInput, limited?: boolean): void;
  /** Writes the summaries of every open window. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Window {
  readonly startedAt: number;
  recorded: number;
  /** Refusals counted but not written, by reason. */
  suppressed: number;
  readonly reasons: Map<string, number>;
  /** The first summarised refusal: who, for the summary record. */
  sample: AuditRecordInput | null;
}

/** Reasons a summary lists at most (the rest are counted under "other"). */
const MAX_REASONS = 16;
/** Key under which refusals of callers beyond `maxKeys` are summarised together. */
const OVERFLOW_KEY = 'overflow';

/**
 * The audit of refusals without amplification: a refused request is recorded (`request-refused`,
 * or the refused operation's own kind) up to `perWindow` times per caller or address in a
 * window; beyond that, and whenever the sender is rate-limited, refusals are counted and one
 * summary record per window says how many there were and why. A flood of refusals costs a few
 * rows a minute, not a row per request, and still leaves a record that it happened.
 */
export function createRefusalAudit(options: RefusalAuditOptions): RefusalAudit {
  const { audit, logger, perWindow, windowMs = 60_000, maxKeys = 10_000, now = Date.now } = options;
  const windows = new Map<string, Window>();
  const writes = new Set<Promise<unknown>>();

  const write = (record: AuditRecordInput) => {
    const pending = audit
      .append(record)
      .catch((error: unknown) => logger.error({ err: error, kind: record.kind }, 'audit record of a refusal could not be written'))
      .finally(() => writes.delete(pending));
    writes.add(pending);
  };

  const summarise = (key: string, window: Window, until: number) => {
    if (window.suppressed === 0 || !window.sample) return;
    const { sample } = window;
    write({
      kind: 'request-refused',
      subject: sample.subject ?? null,
      roles: sample.roles ?? [],
      clientId: sample.clientId ?? null,
      outcome: 'denied',
      reason: `${window.suppressed} refusals summarised: ${[...window.reasons.keys()].join(', ')}`,
      details: {
        summary: true,
        refusals: window.suppressed,
        key,
        from: new Date(window.startedAt).toISOString(),
        to: new Date(until).toISOString(),
        reasons: Object.fromEntries(window.reasons),
        ...(sample.details && typeof sample.details.clientAddress === 'string' ? { clientAddress: sample.details.clientAddress } : {}),
      },
    });
  };

  const closeExpired = (at: number) => {
    for (const [key, window] of windows) {
      if (at - window.startedAt < windowMs) continue;
      summarise(key, window, at);
      windows.delete(key);
    }
  };
  const sweeper = setInterval(() => closeExpired(now()), windowMs);
  sweeper.unref();

  return {
    refused(key, record, limited = false) {
      const at = now();
      const known = windows.get(key);
      if (known && at - known.startedAt >= windowMs) {
        summarise(key, known, at);
        windows.delete(key);
      }
      const windowKey = windows.has(key) || windows.size < maxKeys ? key : OVERFLOW_KEY;
      let window = windows.get(windowKey);
      if (!window) {
        window = { startedAt: at, recorded: 0, suppressed: 0, reasons: new Map(), sample: null };
        windows.set(windowKey, window);
      }
      if (!limited && window.recorded < perWindow && windowKey !== OVERFLOW_KEY) {
        window.recorded += 1;
        write(record);
        return;
      }
      window.suppressed += 1;
      window.sample ??= record;
      const reason = window.reasons.has(record.reason ?? 'refused') || window.reasons.size < MAX_REASONS ? (record.reason ?? 'refused') : 'other';
      window.reasons.set(reason, (window.reasons.get(reason) ?? 0) + 1);
    },
    async flush() {
      const at = now();
      for (const [key, window] of windows) summarise(key, window, at);
      windows.clear();
      await Promise.all([...writes]);
    },
    async close() {
      clearInterval(sweeper);
      await this.flush();
    },
  };
}
