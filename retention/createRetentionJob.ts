import type { AuditLog } from '../audit';
import type { Database } from '../storage/createDatabase';
import { type PurgeRequest, type PurgeScope, type RetentionParticipant, deleteClassRows } from './retentionParticipant';
import {
  INTELLIGENCE_RECORD_TYPES,
  type IntelligenceRecordType,
  RETENTION_CLASSES,
  RETENTION_CLASS_NAMES,
  type RetentionClass,
  type RetentionClassName,
  type RetentionOwner,
} from './retentionClasses';

const DAY_MS = 86_400_000;

/** The `dataClass` of the purge record for expired intelligence holds. */
export const INTELLIGENCE_DATA_CLASS = 'criminal-intelligence';

export interface RetentionJobOptions {
  /**
   * The retention schema's database (migrated with `retentionMigrations`). Every subgraph's
   * schema lives in the same database, so its connection reaches their tables too.
   */
  readonly database: Database;
  /** Prefix of every schema (DATABASE_SCHEMA_PREFIX); the owners' schemas are `<prefix><owner>`. */
  readonly schemaPrefix?: string;
  readonly auditLog: AuditLog;
  /** Retention of each class, in days. */
  readonly retentionDays: Readonly<Record<RetentionClassName, number>>;
  /** Rows deleted per statement, so that no statement holds locks for long. */
  readonly batchSize?: number;
  /** The subject of the purge audit records. */
  readonly subject?: string;
  /**
   * The subgraphs' parts: a class's owner deletes its rows, and every participant drops its
   * in-memory copies. A class no participant owns is deleted here, by table (nothing in
   * memory holds it).
   */
  readonly participants?: readonly RetentionParticipant[];
}

/** What one class's purge did. */
export interface ClassPurge {
  readonly dataClass: RetentionClassName | typeof INTELLIGENCE_DATA_CLASS;
  /** Rows older than this were deleted (for intelligence: holds due by it). */
  readonly cutoff: Date;
  readonly deleted: number;
  /** Rows of other tables deleted with them, by `schema.table`. */
  readonly dependentsDeleted: Readonly<Record<string, number>>;
  /** Why the class could not be purged this time; its rows stay until the next run. */
  readonly error: string | null;
  /** The `purge` audit record written for it. */
  readonly auditRecordSeq: number;
}

export interface PurgeReport {
  readonly now: Date;
  readonly classes: readonly ClassPurge[];
}

export interface RetentionJob {
  /**
   * Deletes what has expired at `now`: records held as criminal intelligence whose review date
   * passed, then each class's rows older than its retention (rows under an intelligence hold
   * excepted), audit records last. Writes one `purge` audit record per class, with its cut-off
   * and counts. A run asked for while one is going waits for it and then runs.
   */
  purgeExpired(options: { now: Date }): Promise<PurgeReport>;
}

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { database, schemaPrefix = '', auditLog, retentionDays, batchSize = 5000, subject = 'system:retention', participants = [] } = options;
  const knex = database.knex;
  const schemaOf = (owner: RetentionOwner) => `${schemaPrefix}${owner}`;
  const holds = () => knex.withSchema(database.schema).table('intelligence_holds');
  for (const name of RETENTION_CLASS_NAMES) {
    const days = retentionDays[name];
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention of ${name} must be a whole number of days, got ${days}`);
    const owners = participants.filter((participant) => participant.ownedClasses.includes(name));
    if (owners.length > 1) throw new RangeError(`retention class ${name} has ${owners.length} owners; a class's table has one`);
  }
  let running: Promise<unknown> = Promise.resolve();

  /** The rows a purge takes: named records, or expired ones not under an intelligence hold. */
  const rowsOf = (dataClass: RetentionClass, scope: PurgeScope): PurgeRequest['selectRows'] => (query, k) => {
    if (scope.kind === 'records') {
      query.whereIn(dataClass.idColumn, [...scope.ids]);
      return;
    }
    query.where(dataClass.timeColumn, '<', scope.cutoff);
    const recordType = dataClass.intelligenceRecordType;
    if (recordType) {
      query.whereNotExists(
        k
          .withSchema(database.schema)
          .table('intelligence_holds')
          .select(k.raw('1'))
          .where('record_type', recordType)
          .andWhere('record_id', k.raw('??::text', [`${dataClass.table}.${dataClass.idColumn}`])),
      );
    }
  };

  /**
   * Purges the class's records in `scope`: its owner deletes the rows (or this job, by table,
   * when no participant owns it), every participant drops its in-memory copies, and rows of
   * other tables that refer to the deleted ones go with them.
   */
  const deleteRows = async (dataClass: RetentionClass, scope: PurgeScope) => {
    const request: PurgeRequest = { dataClass, scope, selectRows: rowsOf(dataClass, scope), batchSize };
    const owner = participants.find((participant) => participant.ownedClasses.includes(dataClass.name));
    const ids = owner ? [...(await owner.purge(request))] : await deleteClassRows(knex, schemaOf(dataClass.owner), request);
    for (const participant of participants) if (participant !== owner) await participant.purge(request);
    const dependentsDeleted: Record<string, number> = {};
    for (const dependent of ids.length > 0 ? (dataClass.dependents ?? []) : []) {
      const key = `${schemaOf(dependent.owner)}.${dependent.table}`;
      dependentsDeleted[key] = 0;
      for (let from = 0; from < ids.length; from += batchSize) {
        const gone = (await knex
          .withSchema(schemaOf(dependent.owner))
          .table(dependent.table)
          .whereIn(dependent.column, ids.slice(from, from + batchSize))
          .delete()
          .returning(dependent.column)) as unknown[];
        dependentsDeleted[key] += gone.length;
      }
    }
    return { deleted: ids.length, dependentsDeleted };
  };

  const audit = async (purge: Omit<ClassPurge, 'auditRecordSeq'>, extra: Record<string, unknown>, recordIds: string[] = []) => {
    const record = await auditLog.append({
      kind: 'purge',
      subject,
      outcome: purge.error ? 'error' : 'ok',
      reason: purge.error,
      recordIds,
      details: {
        dataClass: purge.dataClass,
        cutoff: purge.cutoff.toISOString(),
        deleted: purge.deleted,
        dependentsDeleted: purge.dependentsDeleted,
        ...extra,
      },
    });
    return { ...purge, auditRecordSeq: record.seq };
  };

  /** Holds whose review date passed without re-validation: the held record is purged, and the hold with it. */
  const purgeExpiredIntelligence = async (now: Date): Promise<ClassPurge> => {
    const purged: string[] = [];
    const dependentsDeleted: Record<string, number> = {};
    let holdsEnded = 0;
    let error: string | null = null;
    try {
      const due = (await holds().where('review_due', '<=', now).select('record_type', 'record_id')) as {
        record_type: IntelligenceRecordType;
        record_id: string;
      }[];
      for (const { record_type: recordType, record_id: recordId } of due) {
        const dataClass = RETENTION_CLASSES[INTELLIGENCE_RECORD_TYPES[recordType]];
        const result = await deleteRows(dataClass, { kind: 'records', ids: [recordId] });
        for (const [table, count] of Object.entries(result.dependentsDeleted)) dependentsDeleted[table] = (dependentsDeleted[table] ?? 0) + count;
        if (result.deleted > 0) purged.push(`${recordType}:${recordId}`);
        const ended = (await holds()
          .where({ record_type: recordType, record_id: recordId })
          .andWhere('review_due', '<=', now)
          .delete()
          .returning('record_id')) as unknown[];
        holdsEnded += ended.length;
      }
    } catch (failure) {
      error = (failure as Error).message;
    }
    return audit(
      { dataClass: INTELLIGENCE_DATA_CLASS, cutoff: now, deleted: purged.length, dependentsDeleted, error },
      { holdsEnded, rule: 'held as criminal intelligence past its review date without re-validation (28 CFR 23.20(h))' },
      purged,
    );
  };

  const purgeClass = async (dataClass: RetentionClass, now: Date): Promise<ClassPurge> => {
    const days = retentionDays[dataClass.name];
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const table = `${schemaOf(dataClass.owner)}.${dataClass.table}`;
    try {
      const { deleted, dependentsDeleted } = await deleteRows(dataClass, { kind: 'expired', cutoff });
      return await audit({ dataClass: dataClass.name, cutoff, deleted, dependentsDeleted, error: null }, { table, retentionDays: days });
    } catch (failure) {
      return audit(
        { dataClass: dataClass.name, cutoff, deleted: 0, dependentsDeleted: {}, error: (failure as Error).message },
        { table, retentionDays: days },
      );
    }
  };

  /** The audit log purges itself, writing its own purge record (with the anchor that keeps the chain verifiable). */
  const purgeAuditRecords = async (now: Date): Promise<ClassPurge> => {
    const days = retentionDays['audit-records'];
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    try {
      const result = await auditLog.purgeBefore(cutoff, { subject, details: { retentionDays: days, table: `${schemaOf('audit')}.audit_records` } });
      return { dataClass: 'audit-records', cutoff: result.cutoff, deleted: result.deleted, dependentsDeleted: {}, error: null, auditRecordSeq: result.purgeRecord.seq };
    } catch (failure) {
      return audit({ dataClass: 'audit-records', cutoff, deleted: 0, dependentsDeleted: {}, error: (failure as Error).message }, { retentionDays: days });
    }
  };

  const run = async (now: Date): Promise<PurgeReport> => {
    const classes: ClassPurge[] = [await purgeExpiredIntelligence(now)];
    for (const name of RETENTION_CLASS_NAMES) {
      if (name === 'audit-records') continue;
      classes.push(await purgeClass(RETENTION_CLASSES[name], now));
    }
    classes.push(await purgeAuditRecords(now));
    return { now, classes };
  };

  return {
    purgeExpired({ now }) {
      const next = running.then(() => run(now));
      running = next.catch(() => undefined);
      return next;
    },
  };
}
