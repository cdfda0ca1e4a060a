import type { Knex } from 'knex';
import type { DataClass } from './dataClass';

/** Which of a class's records one purge takes. */
export type PurgeScope =
  /** Records older than `cutoff` (by the class's time column), except those under an intelligence hold. */
  | { readonly kind: 'expired'; readonly cutoff: Date }
  /** Exactly these records, whatever their age: their intelligence hold's review date passed (28 CFR 23.20(h)). */
  | { readonly kind: 'records'; readonly ids: readonly string[] };

/** What the retention job asks of a class's owner, once per class and run. */
export interface PurgeRequest {
  readonly dataClass: DataClass;
  readonly scope: PurgeScope;
  /**
   * Narrows a query on the class's table to the rows this purge takes (holds excepted), built
   * with `knex`, the connection that runs it; owners delete with `deleteClassRows`.
   */
  readonly selectRows: (query: Knex.QueryBuilder, knex: Knex) => void;
  /** Rows per DELETE statement, so that no statement holds locks for long. */
  readonly batchSize: number;
  /** What the class's purge record says besides its counts, for an owner that writes that record itself. */
  readonly audit: { readonly subject: string; readonly details: Readonly<Record<string, unknown>> };
}

/** Rows deleted with a class's records, counted by `schema.table`. */
export type DependentsDeleted = Readonly<Record<string, number>>;

/** What an owner's purge did. */
export type OwnerPurge =
  /** It deleted these records (and its rows that depend on them); the job writes the purge record. */
  | { readonly kind: 'deleted'; readonly ids: readonly string[]; readonly dependentsDeleted: DependentsDeleted }
  /**
   * It wrote the purge record itself, inside its own purge (the audit log: the record is part of
   * the chain it anchors); `cutoff` is the one it applied.
   */
  | { readonly kind: 'self-audited'; readonly deleted: number; readonly cutoff: Date; readonly auditRecordSeq: number };

/** What the retention job tells a participant that keeps copies of another owner's class. */
export interface CopiesRequest {
  readonly dataClass: DataClass;
  readonly scope: PurgeScope;
  /** The records the owner deleted in this purge (rows referring to them go). */
  readonly deletedIds: readonly string[];
  readonly batchSize: number;
}

/**
 * A part of the hub in retention, as its owner declares it: the data classes it owns (their
 * tables and settings), which it purges itself, rows that depend on them and in-memory copies
 * (kd-trees, caches) included; and the classes of others it keeps copies of, which it drops when
 * their owner purges. The job only schedules, orchestrates and audits.
 */
export interface RetentionParticipant {
  /** Classes this participant owns (one owner per class). */
  readonly dataClasses: readonly DataClass[];
  /**
   * It writes its classes' purge records itself, before it deletes (the audit log: the record
   * anchors the chain it cuts), so the job announces nothing for them.
   */
  readonly writesOwnPurgeRecords?: true;
  /** Names of other participants' classes it keeps copies of (in memory, or rows that refer to them). */
  readonly copiedClasses?: readonly string[];
  /** Purges what `request` names of one of its classes: rows, dependent rows and in-memory copies. */
  purge(request: PurgeRequest): Promise<OwnerPurge>;
  /**
   * Drops its copies of a copied class's purged records: rows referring to `deletedIds`, and,
   * for `expired`, every in-memory copy older than the cut-off, whoever deleted the rows
   * (another replica's job may have). Resolves with the rows it deleted.
   */
  dropCopies?(request: CopiesRequest): Promise<DependentsDeleted>;
}
