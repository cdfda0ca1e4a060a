/**
 * The audit trail's contract: what one audit record holds (FBI CJIS Security Policy 5.4.1.1:
 * event type, time, component, user, outcome; 28 CFR 23.20(e): who received intelligence, why
 * and when). No implementation here.
 */

/** What happened. */
export const AUDIT_KINDS = [
  'query',
  'mutation',
  'subscription-start',
  'subscription-stop',
  'subscription-event',
  'logon',
  'logon-failed',
  'permission-change',
  'audit-read',
  'purge',
  'dissemination',
  /** A request refused before any operation ran: no or bad token, too large, wrong content type, CSRF, batching, rate limit. */
  'request-refused',
  /** Vendor input refused at the door: an unauthenticated EIDO POST, an AVL datagram from an address not allowed. */
  'ingest-refused',
  /** Community Connect: a signed live-video link used (relayed) or refused. */
  'media-link',
  /** Community Connect: an owner's alarm webhook called, accepted or refused. */
  'alarm',
  /** Community Connect: a footage clip stored (chain of custody) or downloaded. */
  'evidence',
  /** Community Connect: a message sent to a camera owner (or its failure). */
  'notification',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** How it ended. */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** A JSON value as stored in the log (variables, details). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a caller of `append` states. The log adds the time, the sequence number and the hashes.
 * Restricted values in `variables` must already be redacted (see `redactVariables`).
 */
export interface AuditRecordInput {
  readonly kind: AuditKind;
  /** The user (token subject) or service account; null before authentication succeeded. */
  readonly subject?: string | null;
  /** The roles (scope sets) the user held for this operation. */
  readonly roles?: readonly string[];
  /** The client application (OAuth client id, console name) the request came from. */
  readonly clientId?: string | null;
  readonly operationName?: string | null;
  /** SHA-256 of the GraphQL document (see `hashDocument`). */
  readonly documentHash?: string | null;
  /** Operation variables, restricted values redacted. */
  readonly variables?: Readonly<Record<string, unknown>> | null;
  /** Schema coordinates of restricted fields returned, e.g. `Call.callbackNumber`. */
  readonly restrictedFields?: readonly string[];
  /** Ids of the records returned, as `Typename:id` (e.g. `Incident:inc-1-…`). */
  readonly recordIds?: readonly string[];
  readonly outcome: AuditOutcome;
  /** Why it was denied or failed (an error code or a short sentence). */
  readonly reason?: string | null;
  /** The case or incident number the user stated (need-to-know, 28 CFR 23.20(e)). */
  readonly purpose?: string | null;
  /** Agency or department outside this agency that received the data, for a dissemination. */
  readonly disseminatedTo?: string | null;
  /** Anything else worth keeping: a purge's counts, a permission change's before and after. */
  readonly details?: Readonly<Record<string, unknown>> | null;
}

/** One record as stored: normalised input plus its place in the hash chain. */
export interface AuditRecord {
  /** Position in the chain, 1, 2, 3 … with no gaps; the record's id. */
  readonly seq: number;
  readonly recordedAt: Date;
  readonly kind: AuditKind;
  readonly subject: string | null;
  readonly roles: readonly string[];
  readonly clientId: string | null;
  readonly operationName: string | null;
  readonly documentHash: string | null;
  readonly variables: JsonValue | null;
  readonly restrictedFields: readonly string[];
  readonly recordIds: readonly string[];
  readonly outcome: AuditOutcome;
  readonly reason: string | null;
  readonly purpose: string | null;
  readonly disseminatedTo: string | null;
  readonly details: JsonValue | null;
  /** Hash of the record before this one (the anchor's after a purge, zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 over this record's canonical serialisation and `prevHash`, hex. */
  readonly hash: string;
}

/** Which records an auditor wants; omitted fields do not filter. */
export interface AuditRecordFilter {
  /** Recorded at or after. */
  readonly from?: Date | null;
  /** Recorded before. */
  readonly to?: Date | null;
  readonly subject?: string | null;
  readonly kinds?: readonly AuditKind[] | null;
  readonly purpose?: string | null;
  /** Only records that returned this record id (`Typename:id`). */
  readonly recordId?: string | null;
  readonly outcome?: AuditOutcome | null;
  /** Only records of data that left the agency (`disseminatedTo` set). */
  readonly disseminatedOnly?: boolean | null;
}

/** What a purge removed: a prefix of the chain, up to and including `throughSeq`. */
export interface AuditChainAnchor {
  /** Last purged record; the first remaining record links to its hash. */
  readonly throughSeq: number;
  readonly throughHash: string;
  /** Every purged record was recorded before this. */
  readonly cutoff: Date;
  /** The `purge` record that announced this purge in the chain, before the deletion. */
  readonly purgeRecordSeq: number;
  readonly purgedAt: Date;
}

/** Why a link of the chain does not hold. */
export type AuditChainProblem =
  /** The stored hash is not the hash of the record's content: the record was changed. */
  | 'hash-mismatch'
  /** The record does not link to the previous record's hash: one was changed, removed or inserted. */
  | 'previous-hash-mismatch'
  /** A sequence number is missing: records were removed. */
  | 'sequence-gap'
  /** The chain ends before (or after) the recorded chain head: records were removed from the end. */
  | 'head-mismatch'
  /** A record before the purge anchor, outside the chain: it should have been purged, or was inserted. */
  | 'unlinked-record'
  /** A purge anchor that no `purge` record in the chain announces. */
  | 'anchor-unconfirmed';

/** The first link of the chain that does not hold. */
export interface AuditBrokenLink {
  readonly problem: AuditChainProblem;
  /** The record where the break shows (its seq), or null when it is missing altogether. */
  readonly seq: number | null;
  readonly recordedAt: Date | null;
  readonly expectedHash: string | null;
  readonly foundHash: string | null;
  /** One sentence for a person. */
  readonly detail: string;
}

/** What `verify` found. */
export interface AuditChainReport {
  readonly ok: boolean;
  /** Records whose link was checked. */
  readonly checkedRecords: number;
  /** First and last seq checked (null when the log is empty). */
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Where the chain starts after purges, if any purge happened. */
  readonly anchor: AuditChainAnchor | null;
  readonly firstBrokenLink: AuditBrokenLink | null;
}

/** What one purge of the audit log did. */
export interface AuditPurgeResult {
  readonly cutoff: Date;
  readonly deleted: number;
  /** The `purge` record written into the chain. */
  readonly purgeRecord: AuditRecord;
  /** The new anchor, or null when nothing had expired. */
  readonly anchor: AuditChainAnchor | null;
}
