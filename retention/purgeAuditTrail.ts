import type { RetentionParticipant } from './retentionParticipant';

/** A `purge` audit record as the retention job writes it: per class and run, one announcing the purge before anything is deleted and one with what it did. */
export interface PurgeAuditRecord {
  readonly kind: 'purge';
  readonly subject: string;
  readonly outcome: 'ok' | 'error';
  readonly reason: string | null;
  /** The records purged by name (intelligence past review), as `type:id`. */
  readonly recordIds: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Where the retention job writes its purge records: the audit log, which owns a data class of
 * its own (the audit trail) and takes part in retention like every owner. Declared here, as
 * the job needs it, so that retention/ depends on no higher room.
 */
export interface PurgeAuditTrail {
  append(record: PurgeAuditRecord): Promise<{ readonly seq: number }>;
  readonly retention: RetentionParticipant;
}
