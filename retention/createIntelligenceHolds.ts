import type { Database } from '../storage/createDatabase';
import { type IntelligenceRecordType, isIntelligenceRecordType } from './dataClass';

const DAY_MS = 86_400_000;

/** A record held as criminal intelligence. */
export interface IntelligenceHold {
  readonly recordType: IntelligenceRecordType;
  readonly recordId: string;
  readonly heldSince: Date;
  /** Purged at this time unless re-validated before. */
  readonly reviewDue: Date;
  readonly revalidatedAt: Date | null;
  readonly heldBy: string;
  /** Why the record is relevant to criminal activity. */
  readonly justification: string;
}

export interface HoldRequest {
  readonly recordType: IntelligenceRecordType;
  readonly recordId: string;
  /** Who decided to hold it. */
  readonly heldBy: string;
  readonly justification: string;
}

/** Records held as criminal intelligence, with their review dates. */
export interface IntelligenceHolds {
  /** Holds a record from now until the review date; holding a held record again changes nothing. */
  hold(request: HoldRequest): Promise<IntelligenceHold>;
  /** Re-validates a held record: a new review period from now. Null when it is not held. */
  revalidate(recordType: IntelligenceRecordType, recordId: string): Promise<IntelligenceHold | null>;
  /** Ends a hold early; the record is back under its class's retention. True when it was held. */
  release(recordType: IntelligenceRecordType, recordId: string): Promise<boolean>;
  byRecord(recordType: IntelligenceRecordType, recordId: string): Promise<IntelligenceHold | null>;
  /** Holds whose review date is at or before `at`, soonest first. */
  dueBy(at: Date): Promise<IntelligenceHold[]>;
}

export interface IntelligenceHoldsOptions {
  /** The retention schema's database, migrated with `retentionMigrations`. */
  readonly database: Database;
  /** Days from holding or re-validating to the review date (at most 1825, five years: 28 CFR 23.20(h)). */
  readonly reviewDays: number;
  readonly clock?: () => Date;
}

interface HoldRow {
  record_type: string;
  record_id: string;
  held_since: Date;
  review_due: Date;
  revalidated_at: Date | null;
  held_by: string;
  justification: string;
}

export function createIntelligenceHolds(options: IntelligenceHoldsOptions): IntelligenceHolds {
  const { database: db, reviewDays, clock = () => new Date() } = options;
  if (!Number.isInteger(reviewDays) || reviewDays < 1 || reviewDays > 1825) {
    throw new RangeError(`reviewDays must be an integer from 1 to 1825 (five years, 28 CFR 23.20(h)), got ${reviewDays}`);
  }
  const holds = () => db.table('intelligence_holds');
  const reviewFrom = (at: Date) => new Date(at.getTime() + reviewDays * DAY_MS);
  const byRecord = async (recordType: IntelligenceRecordType, recordId: string) => {
    const [row] = (await holds().where({ record_type: checked(recordType), record_id: recordId })) as HoldRow[];
    return row ? holdFromRow(row) : null;
  };
  return {
    async hold({ recordType, recordId, heldBy, justification }) {
      if (!recordId || !heldBy || !justification.trim()) throw new TypeError('a hold names the record, who holds it and why');
      const now = clock();
      await holds()
        .insert({
          record_type: checked(recordType),
          record_id: recordId,
          held_since: now,
          review_due: reviewFrom(now),
          held_by: heldBy,
          justification,
        })
        .onConflict(['record_type', 'record_id'])
        .ignore();
      return (await byRecord(recordType, recordId)) as IntelligenceHold;
    },
    async revalidate(recordType, recordId) {
      const now = clock();
      const [row] = (await holds()
        .where({ record_type: checked(recordType), record_id: recordId })
        .update({ revalidated_at: now, review_due: reviewFrom(now) })
        .returning('*')) as HoldRow[];
      return row ? holdFromRow(row) : null;
    },
    async release(recordType, recordId) {
      // Rows returned rather than a count: knex-pglite does not report a DELETE's row count.
      const deleted = (await holds().where({ record_type: checked(recordType), record_id: recordId }).delete().returning('record_id')) as unknown[];
      return deleted.length > 0;
    },
    byRecord,
    async dueBy(at) {
      const rows = (await holds().where('review_due', '<=', at).orderBy('review_due')) as HoldRow[];
      return rows.map(holdFromRow);
    },
  };
}

function checked(recordType: string): IntelligenceRecordType {
  if (!isIntelligenceRecordType(recordType)) throw new TypeError(`records of type ${JSON.stringify(recordType)} cannot be held as intelligence`);
  return recordType;
}

function holdFromRow(row: HoldRow): IntelligenceHold {
  return {
    recordType: row.record_type as IntelligenceRecordType,
    recordId: row.record_id,
    heldSince: row.held_since,
    reviewDue: row.review_due,
    revalidatedAt: row.revalidated_at,
    heldBy: row.held_by,
    justification: row.justification,
  };
}
