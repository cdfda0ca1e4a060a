import type { AuditRecordInput } from '../../audit/auditRecord';

/** A request refused at the door: who asked and why. */
export interface Refusal {
  readonly clientAddress: string;
  /** HTTP status answered: 401, 403 or 429. */
  readonly status: number;
  readonly reason: string;
  /** The sender the request claimed (a Basic user name, a token subject), if it named one. */
  readonly claimedSender: string | null;
}

export interface RefusalAuditorOptions {
  /** Appends to the audit trail. */
  readonly append: (record: AuditRecordInput) => Promise<unknown>;
  /** Which adapter refused, for the records. */
  readonly adapter: string;
  readonly now: () => Date;
  /** Called when a record could not be written (the refusal stands anyway). */
  readonly onError: (error: unknown) => void;
  /** Length of the window in which one address's refusals share a record. Default 60 000 ms. */
  readonly windowMs?: number;
  /** Addresses tracked at once; refusals from further addresses share one bucket. Default 10 000. */
  readonly maxAddresses?: number;
}

export interface RefusalAuditor {
  /** Counts the refusal; resolves once its record is written when it is the first of its window. */
  refused(refusal: Refusal): Promise<void>;
  /** Writes the counts still held and stops the timer. */
  close(): Promise<void>;
}

interface Tally {
  readonly startedAt: number;
  /** Refusals after the first of the window, not yet written. */
  pending: number;
  last: Refusal;
}

/**
 * What a refused sender claimed, as text the audit trail can hold: a forged name may carry NUL
 * (which PostgreSQL JSON refuses) or any control character; they are shown as U+FFFD.
 */
const printable = (text: string): string => text.replace(/[\p{Cc}\p{Cs}]/gu, '\ufffd').slice(0, 200);

/** Address under which refusals from addresses beyond `maxAddresses` are counted. */
const OTHER_ADDRESSES = '(other addresses)';

/**
 * Audits refused ingest requests (`ingest-refused`) without letting a flood of them become a
 * flood of records: per client address and window, the first refusal is recorded at once and
 * the rest as one record with their count when the window ends.
 */
export function createRefusalAuditor(options: RefusalAuditorOptions): RefusalAuditor {
  const { append, adapter, now, onError, windowMs = 60_000, maxAddresses = 10_000 } = options;
  const tallies = new Map<string, Tally>();

  const write = (refusal: Refusal, count: number, since: number): Promise<void> => {
    const claimedSender = refusal.claimedSender ? printable(refusal.claimedSender) : null;
    const record: AuditRecordInput = {
      kind: 'ingest-refused',
      subject: null,
      outcome: 'denied',
      reason: printable(refusal.reason),
      details: {
        adapter,
        clientAddress: refusal.clientAddress,
        status: refusal.status,
        count,
        since: new Date(since).toISOString(),
        ...(claimedSender ? { claimedSender } : {}),
      },
    };
    return append(record).then(() => undefined, onError);
  };

  const closeTally = (address: string, tally: Tally) => {
    tallies.delete(address);
    if (tally.pending > 0) void write({ ...tally.last, clientAddress: address }, tally.pending, tally.startedAt);
  };

  const flushEnded = () => {
    const at = now().getTime();
    for (const [address, tally] of tallies) if (at - tally.startedAt >= windowMs) closeTally(address, tally);
  };
  const timer = setInterval(flushEnded, windowMs);
  timer.unref();

  return {
    async refused(refusal) {
      const at = now().getTime();
      const known = tallies.has(refusal.clientAddress) || tallies.size < maxAddresses;
      const address = known ? refusal.clientAddress : OTHER_ADDRESSES;
      const current = tallies.get(address);
      if (current && at - current.startedAt < windowMs && at >= current.startedAt) {
        current.pending += 1;
        current.last = refusal;
        return;
      }
      if (current) closeTally(address, current);
      tallies.set(address, { startedAt: at, pending: 0, last: refusal });
      await write({ ...refusal, clientAddress: address }, 1, at);
    },
    async close() {
      clearInterval(timer);
      const writes: Promise<void>[] = [];
      for (const [address, tally] of [...tallies]) {
        tallies.delete(address);
        if (tally.pending > 0) writes.push(write({ ...tally.last, clientAddress: address }, tally.pending, tally.startedAt));
      }
      await Promise.all(writes);
    },
  };
}
