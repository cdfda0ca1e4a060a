import type { AuditRecordInput } from './auditRecord';

/** Kinds of record a refusal summariser writes: a door that refuses requests from anyone on the network. */
export type RefusalKind = 'ingest-refused' | 'media-link' | 'alarm' | 'evidence';

/** Values a refusal's details may carry: ids, codes and sizes, never personal data. */
export type RefusalDetail = string | number | boolean | null;

/** A request refused at the door: who asked and why. */
export interface Refusal {
  readonly clientAddress: string;
  /**
   * What was refused, when one summariser serves several doors (e.g. `upload`, `download`): one
   * address's refusals of different groups are counted apart, so that a count names one door. Default: one group.
   */
  readonly group?: string;
  /** HTTP status answered (401, 403, 404, 409, 413, 415, 429, …). */
  readonly status: number;
  readonly reason: string;
  /** Who the refused request was for or from, if known (a link's subject, an owner id); default null. */
  readonly subject?: string | null;
  readonly recordIds?: readonly string[];
  /** Merged into the record's details as given (text shown printable); the summariser's own fields win. */
  readonly details?: Readonly<Record<string, RefusalDetail>>;
}

export interface RefusalAuditorOptions {
  /** Appends to the audit trail. */
  readonly append: (record: AuditRecordInput) => Promise<unknown>;
  /** The kind of the records written. */
  readonly kind: RefusalKind;
  /** Details every record carries (e.g. `{ adapter: 'eido-http' }`). */
  readonly details?: Readonly<Record<string, RefusalDetail>>;
  readonly now: () => Date;
  /** Called when a record could not be written (the refusal stands anyway). */
  readonly onError: (error: unknown) => void;
  /** Length of the window in which one address's refusals share a record. Default 60 000 ms. */
  readonly windowMs?: number;
  /** Tallies (an address in a group) kept at once; refusals from further addresses share one tally a group. Default 10 000. */
  readonly maxAddresses?: number;
}

export interface RefusalAuditor {
  /** Counts the refusal; resolves once its record is written when it is the first of its window. */
  refused(refusal: Refusal): Promise<void>;
  /** Writes the counts of windows that have ended (a timer does it every window too). */
  flush(): Promise<void>;
  /** Writes the counts still held, waits for writes under way and stops the timer. */
  close(): Promise<void>;
}

interface Tally {
  /** The address the tally's records name: the client's, or OTHER_ADDRESSES. */
  readonly address: string;
  readonly startedAt: number;
  /** Refusals after the first of the window, not yet written. */
  pending: number;
  last: Refusal;
}

/** Default window in which one address's refusals share a record. */
export const REFUSAL_WINDOW_MS = 60_000;
/** Address under which refusals from addresses beyond `maxAddresses` are counted. */
export const OTHER_ADDRESSES = '(other addresses)';

/**
 * Text from a refused request, as the audit trail can hold it: a forged value may carry NUL
 * (which PostgreSQL JSON refuses) or any control character; they are shown as U+FFFD, and at
 * most 200 characters are kept.
 */
export const printable = (text: string): string => text.replace(/[\p{Cc}\p{Cs}]/gu, '\ufffd').slice(0, 200);

/**
 * Audits refused requests without letting a flood of them become a flood of records: per client
 * address and window, the first refusal is recorded at once and the rest as one record with
 * their count (`details.count`, from `details.since`) when the window ends, or when the next
 * refusal after it comes, or at close. At most `maxAddresses` addresses are tracked; the rest share
 * one tally, so memory stays bounded too.
 */
export function createRefusalAuditor(options: RefusalAuditorOptions): RefusalAuditor {
  const { append, kind, details: fixed = {}, now, onError, windowMs = REFUSAL_WINDOW_MS, maxAddresses = 10_000 } = options;
  const tallies = new Map<string, Tally>();
  const writing = new Set<Promise<void>>();

  const write = (refusal: Refusal, address: string, count: number, since: number): Promise<void> => {
    const given: Record<string, RefusalDetail> = {};
    for (const [key, value] of Object.entries(refusal.details ?? {})) given[key] = typeof value === 'string' ? printable(value) : value;
    const record: AuditRecordInput = {
      kind,
      subject: refusal.subject ? printable(refusal.subject) : null,
      outcome: 'denied',
      reason: printable(refusal.reason),
      ...(refusal.recordIds && refusal.recordIds.length > 0 ? { recordIds: refusal.recordIds.map(printable) } : {}),
      details: { ...fixed, ...given, clientAddress: printable(address), status: refusal.status, count, since: new Date(since).toISOString() },
    };
    const done = append(record).then(() => undefined, onError);
    writing.add(done);
    void done.finally(() => writing.delete(done));
    return done;
  };

  const closeTally = (key: string, tally: Tally): Promise<void> => {
    tallies.delete(key);
    return tally.pending > 0 ? write(tally.last, tally.address, tally.pending, tally.startedAt) : Promise.resolve();
  };
  /** A tally's key: its group and its address. */
  const keyOf = (group: string | undefined, address: string) => (group === undefined ? address : `${group}\u0000${address}`);

  const flush = async () => {
    const at = now().getTime();
    const writes: Promise<void>[] = [];
    for (const [key, tally] of [...tallies]) if (at - tally.startedAt >= windowMs || at < tally.startedAt) writes.push(closeTally(key, tally));
    await Promise.all(writes);
  };
  const timer = setInterval(() => void flush(), windowMs);
  timer.unref();

  return {
    async refused(refusal) {
      const at = now().getTime();
      const own = keyOf(refusal.group, refusal.clientAddress);
      const known = tallies.has(own) || tallies.size < maxAddresses;
      const address = known ? refusal.clientAddress : OTHER_ADDRESSES;
      const key = known ? own : keyOf(refusal.group, OTHER_ADDRESSES);
      const current = tallies.get(key);
      if (current && at - current.startedAt < windowMs && at >= current.startedAt) {
        current.pending += 1;
        current.last = refusal;
        return;
      }
      // The ended window's count goes on the trail before the new window's first refusal (the new
      // tally is in place at once, so that refusals meanwhile count in it).
      const closing = current ? closeTally(key, current) : Promise.resolve();
      tallies.set(key, { address, startedAt: at, pending: 0, last: refusal });
      await closing;
      await write(refusal, address, 1, at);
    },
    flush,
    async close() {
      clearInterval(timer);
      await Promise.all([...tallies].map(([key, tally]) => closeTally(key, tally)));
      await Promise.all([...writing]);
    },
  };
}
