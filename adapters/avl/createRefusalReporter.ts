/** Input refused at the door, as reported to the hub (which audits it as `ingest-refused`). */
export interface IngestRefusal {
  /** The sender's address, or `other` for senders beyond the tracked-address cap. */
  readonly address: string;
  readonly transport: 'udp' | 'tcp';
  /** Datagrams or connections refused since the last report for this address. */
  readonly count: number;
  /** Why: the address is not on the allow-list. */
  readonly reason: 'source-not-allowed';
}

/** Options of {@link createRefusalReporter}. */
export interface RefusalReporterOptions {
  readonly report: (refusal: IngestRefusal) => void;
  /** At most one report per address and transport per interval. Default 60 s. */
  readonly intervalMs?: number;
  /** Addresses tracked apart; further senders (spoofed UDP sources, say) are counted together as `other`. Default 256. */
  readonly maxAddresses?: number;
  readonly now?: () => Date;
}

export interface RefusalReporter {
  /** Counts one refusal; reports at once if the address has no report in this interval. */
  refused(address: string, transport: IngestRefusal['transport']): void;
  /** Reports what is counted and not yet reported (every address whose interval has ended, or all). */
  flush(all?: boolean): void;
  /** Reports everything still counted and stops the timer. */
  stop(): void;
}

interface Window {
  readonly address: string;
  readonly transport: IngestRefusal['transport'];
  endsAt: number;
  pending: number;
}

/**
 * Refusals without amplification: the first refusal of an address is reported at once; those
 * that follow within the interval are reported together, as one count, when it ends. A steady
 * flood from one address is one report a minute; a flood from many addresses is bounded by
 * `maxAddresses` reports a minute.
 */
export function createRefusalReporter(options: RefusalReporterOptions): RefusalReporter {
  const { report, intervalMs = 60_000, maxAddresses = 256, now = () => new Date() } = options;
  const windows = new Map<string, Window>();
  let timer: NodeJS.Timeout | null = null;

  const flush = (all = false) => {
    const at = now().getTime();
    for (const [key, window] of windows) {
      if (!all && window.endsAt > at) continue;
      if (window.pending === 0) {
        windows.delete(key);
        continue;
      }
      const { address, transport, pending: count } = window;
      window.pending = 0;
      window.endsAt = at + intervalMs;
      if (all) windows.delete(key);
      report({ address, transport, count, reason: 'source-not-allowed' });
    }
    if (windows.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  return {
    refused(address, transport) {
      const tracked = windows.size < maxAddresses || windows.has(`${transport} ${address}`);
      const shown = tracked ? address : 'other';
      const key = `${transport} ${shown}`;
      const window = windows.get(key);
      if (window) {
        window.pending += 1;
        return;
      }
      windows.set(key, { address: shown, transport, endsAt: now().getTime() + intervalMs, pending: 0 });
      report({ address: shown, transport, count: 1, reason: 'source-not-allowed' });
      if (!timer) {
        timer = setInterval(() => flush(), Math.min(intervalMs, 1000));
        timer.unref();
      }
    },
    flush,
    stop() {
      flush(true);
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
