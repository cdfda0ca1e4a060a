/** A run of refusals of one kind from one client address that were counted, not reported one by one. */
export interface RepeatedRefusals {
  readonly kind: 'refusals-repeated';
  /** What was refused: failed logons (a bad token) or requests without any token. */
  readonly of: 'logon-failed' | 'request-refused';
  readonly clientAddress: string;
  /** Refusals counted in the window beyond those reported one by one. */
  readonly count: number;
  /** How many of them gave each reason (at most {@link MAX_TALLIED} reasons; the rest as "other"). */
  readonly reasons: Readonly<Record<string, number>>;
  /** Subjects the refused tokens claimed (unverified), at most {@link MAX_TALLIED}. */
  readonly claimedSubjects: readonly string[];
  /** First and last counted refusal, ms since the epoch. */
  readonly from: number;
  readonly to: number;
}

/** One refusal offered for reporting. */
export interface Refusal {
  readonly of: 'logon-failed' | 'request-refused';
  readonly clientAddress: string;
  readonly reason: string;
  readonly claimedSubject: string | null;
  /** Always reported one by one (a lock-out beginning), whatever the window holds. */
  readonly always?: boolean;
}

export interface RefusalReportsOptions {
  /** Refusals of one kind from one address reported one by one per window; further ones are counted. */
  readonly recordsPerWindow: number;
  readonly windowMs: number;
  /** Receives each counted run once its window ends (or the reports close). */
  readonly onRepeated: (summary: RepeatedRefusals) => void;
  readonly now?: () => number;
  /** Addresses tracked at once; beyond it the oldest window ends early (its summary is reported). */
  readonly maxAddresses?: number;
}

/** Decides which refusals are reported one by one; see {@link createRefusalReports}. */
export interface RefusalReports {
  /** Whether to report `refusal` on its own now (true) or only as part of a later summary (false). */
  admit(refusal: Refusal): boolean;
  /** Reports every pending summary and stops the timers. */
  close(): void;
}

const MAX_TALLIED = 20;

interface Window {
  readonly start: number;
  reported: number;
  count: number;
  first: number;
  last: number;
  readonly reasons: Map<string, number>;
  readonly subjects: Set<string>;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Keeps a flood of refused requests from becoming a flood of audit records and log lines: per
 * client address and kind, the first `recordsPerWindow` refusals of each window are reported
 * one by one, the rest are counted and reported as one {@link RepeatedRefusals} when the window
 * ends. Memory is bounded by `maxAddresses` windows of bounded tallies.
 */
export function createRefusalReports(options: RefusalReportsOptions): RefusalReports {
  const { recordsPerWindow, windowMs, onRepeated, now = Date.now, maxAddresses = 10_000 } = options;
  const windows = new Map<string, Window>();

  const end = (key: string, window: Window) => {
    windows.delete(key);
    if (window.timer) clearTimeout(window.timer);
    if (window.count === 0) return;
    const [of, clientAddress] = splitKey(key);
    onRepeated({
      kind: 'refusals-repeated',
      of,
      clientAddress,
      count: window.count,
      reasons: Object.fromEntries(window.reasons),
      claimedSubjects: [...window.subjects],
      from: window.first,
      to: window.last,
    });
  };

  return {
    admit(refusal) {
      const at = now();
      const key = `${refusal.of}\n${refusal.clientAddress}`;
      let window = windows.get(key);
      if (window && at - window.start >= windowMs) {
        end(key, window);
        window = undefined;
      }
      if (!window) {
        if (windows.size >= maxAddresses) {
          const [oldestKey, oldest] = windows.entries().next().value ?? [];
          if (oldestKey !== undefined && oldest) end(oldestKey, oldest);
        }
        window = { start: at, reported: 0, count: 0, first: at, last: at, reasons: new Map(), subjects: new Set(), timer: null };
        windows.set(key, window);
      }
      if (refusal.always || window.reported < recordsPerWindow) {
        window.reported += 1;
        return true;
      }
      if (window.count === 0) {
        window.first = at;
        const counted = window;
        // The summary is due at the window's end even if the address falls silent.
        counted.timer = setTimeout(() => windows.get(key) === counted && end(key, counted), Math.max(0, counted.start + windowMs - at));
        counted.timer.unref?.();
      }
      window.count += 1;
      window.last = at;
      const reason = window.reasons.has(refusal.reason) || window.reasons.size < MAX_TALLIED ? refusal.reason : 'other';
      window.reasons.set(reason, (window.reasons.get(reason) ?? 0) + 1);
      if (refusal.claimedSubject !== null && window.subjects.size < MAX_TALLIED) window.subjects.add(refusal.claimedSubject);
      return false;
    },
    close() {
      for (const [key, window] of [...windows]) end(key, window);
    },
  };
}

function splitKey(key: string): ['logon-failed' | 'request-refused', string] {
  const at = key.indexOf('\n');
  return [key.slice(0, at) === 'request-refused' ? 'request-refused' : 'logon-failed', key.slice(at + 1)];
}
