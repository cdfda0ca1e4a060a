import type { Database } from '../storage/createDatabase';
import { type RetentionSetting, isIntelligenceRecordType } from './dataClass';
import { type ClassPlan, planRetention } from './planRetention';
import type { PurgeAuditTrail } from './purgeAuditTrail';
import type { DependentsDeleted, OwnerPurge, PurgeRequest, PurgeScope, RetentionParticipant } from './retentionParticipant';
import { selectPurgedRows } from './selectPurgedRows';

const DAY_MS = 86_400_000;

/** The `dataClass` of the purge record for expired intelligence holds. */
export const INTELLIGENCE_DATA_CLASS = 'criminal-intelligence';

export interface RetentionJobOptions {
  /** The retention schema's database (migrated with `retentionMigrations`): the intelligence holds. */
  readonly database: Database;
  /**
   * Where the job writes its purge records. The audit log is a participant too (it owns the
   * audit trail's class): always purged last, so that a run's own purge records are young.
   */
  readonly auditLog: PurgeAuditTrail;
  /** Retention in days, by the setting each class declares (the hub's config has them all). */
  readonly retentionDays: Readonly<Record<RetentionSetting, number>>;
  /** Rows deleted per statement, so that no statement holds locks for long. */
  readonly batchSize?: number;
  /** The subject of the purge audit records. */
  readonly subject?: string;
  /**
   * The owners of the hub's data (the subgraphs' parts, the dead-letter store): each declares
   * its classes, purges them and drops its copies of others'. Their classes are purged in
   * this order.
   */
  readonly participants?: readonly RetentionParticipant[];
}

/** What one class's purge did. */
export interface ClassPurge {
  /** The class's declared name, or {@link INTELLIGENCE_DATA_CLASS}. */
  readonly dataClass: string;
  /** Rows older than this were deleted (for intelligence: holds due by it). */
  readonly cutoff: Date;
  readonly deleted: number;
  /** Rows of other tables deleted with them, by `schema.table`. */
  readonly dependentsDeleted: DependentsDeleted;
  /** Why the class could not be purged this time; its rows stay until the next run. */
  readonly error: string | null;
  /** The `purge` audit record written for it, with its counts. */
  readonly auditRecordSeq: number;
  /**
   * The `purge` record written before anything of the class was deleted (no record, no
   * operation); null when nothing was to be deleted (no intelligence hold due) or the owner
   * wrote its record itself before deleting (the audit trail).
   */
  readonly announcedBySeq: number | null;
}

export interface PurgeReport {
  readonly now: Date;
  readonly classes: readonly ClassPurge[];
}

export interface RetentionJob {
  /**
   * Has expired records purged at `now`: records held as criminal intelligence whose review
   * date passed, then each class's rows older than its retention (rows under an intelligence
   * hold excepted), audit records last. Per class, a `purge` audit record announces the purge
   * (class, cut-off) before anything is deleted, and a second one states what was deleted. A
   * run asked for while one is going waits for it and then runs.
   */
  purgeExpired(options: { now: Date }): Promise<PurgeReport>;
}

/**
 * The retention job: it schedules nothing itself (see `scheduleRetention`) and deletes
 * nothing itself. Per class it announces the purge in the audit trail, asks the owner to purge,
 * tells the participants with copies, and audits what they did. No record, no operation: when
 * the announcement cannot be written nothing of that class is deleted, and when any purge
 * record cannot be written the run stops there and rejects (logged by the schedule); the next
 * run goes on.
 */
export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { database, auditLog, retentionDays, batchSize = 5000, subject = 'system:retention', participants = [] } = options;
  const plan = planRetention([...participants, auditLog.retention], retentionDays);
  const holds = () => database.knex.withSchema(database.schema).table('intelligence_holds');
  let running: Promise<unknown> = Promise.resolve();

  /** Phase of every class: the owner purges the records in `scope`, then each copier drops its copies. */
  const purgeRecords = async ({ dataClass, owner, copiers }: ClassPlan, scope: PurgeScope, audit: PurgeRequest['audit']) => {
    const selectRows = selectPurgedRows(database.schema, dataClass, scope);
    const outcome: OwnerPurge = await owner.purge({ dataClass, scope, selectRows, batchSize, audit });
    const deletedIds = outcome.kind === 'deleted' ? outcome.ids : [];
    const dependentsDeleted: Record<string, number> = { ...(outcome.kind === 'deleted' ? outcome.dependentsDeleted : {}) };
    for (const copier of copiers) {
      const dropped = (await copier.dropCopies?.({ dataClass, scope, deletedIds, batchSize })) ?? {};
      for (const [table, count] of Object.entries(dropped)) dependentsDeleted[table] = (dependentsDeleted[table] ?? 0) + count;
    }
    return { outcome, dependentsDeleted };
  };

  /** The record before the purge: which class goes, up to which cut-off (and which records, by name); it must be written first. */
  const announce = async (dataClass: string, cutoff: Date, extra: Record<string, unknown>, recordIds: string[] = []): Promise<number> => {
    const record = await auditLog.append({
      kind: 'purge',
      subject,
      outcome: 'ok',
      reason: null,
      recordIds,
      details: { dataClass, stage: 'announced', cutoff: cutoff.toISOString(), ...extra },
    });
    return record.seq;
  };

  /** The record after the purge: what was deleted, or why nothing could be. */
  const audit = async (purge: Omit<ClassPurge, 'auditRecordSeq'>, extra: Record<string, unknown>, recordIds: string[] = []): Promise<ClassPurge> => {
    const record = await auditLog.append({
      kind: 'purge',
      subject,
      outcome: purge.error ? 'error' : 'ok',
      reason: purge.error,
      recordIds,
      details: {
        dataClass: purge.dataClass,
        stage: 'done',
        cutoff: purge.cutoff.toISOString(),
        deleted: purge.deleted,
        dependentsDeleted: purge.dependentsDeleted,
        ...extra,
        ...(purge.announcedBySeq === null ? {} : { announcedBySeq: purge.announcedBySeq }),
      },
    });
    return { ...purge, auditRecordSeq: record.seq };
  };

  /** Holds whose review date passed without re-validation: the held record is purged, and the hold with it. */
  const purgeExpiredIntelligence = async (now: Date): Promise<ClassPurge> => {
    const rule = 'held as criminal intelligence past its review date without re-validation (28 CFR 23.20(h))';
    const purged: string[] = [];
    const dependentsDeleted: Record<string, number> = {};
    let holdsEnded = 0;
    const done = (error: string | null, announcedBySeq: number | null) =>
      audit({ dataClass: INTELLIGENCE_DATA_CLASS, cutoff: now, deleted: purged.length, dependentsDeleted, error, announcedBySeq }, { holdsEnded, rule }, purged);
    let due: { record_type: string; record_id: string }[];
    try {
      due = (await holds().where('review_due', '<=', now).select('record_type', 'record_id')) as typeof due;
    } catch (failure) {
      return done((failure as Error).message, null);
    }
    // Rejects when it cannot be written: then no held record is purged.
    const announcedBySeq = due.length === 0 ? null : await announce(INTELLIGENCE_DATA_CLASS, now, { rule }, due.map((hold) => `${hold.record_type}:${hold.record_id}`));
    try {
      for (const { record_type: recordType, record_id: recordId } of due) {
        const planned = isIntelligenceRecordType(recordType) ? plan.classHeldAs(recordType) : undefined;
        if (!planned) throw new Error(`no retention participant owns records held as ${JSON.stringify(recordType)}`);
        const { outcome, dependentsDeleted: dependents } = await purgeRecords(planned, { kind: 'records', ids: [recordId] }, { subject, details: { rule } });
        for (const [table, count] of Object.entries(dependents)) dependentsDeleted[table] = (dependentsDeleted[table] ?? 0) + count;
        if ((outcome.kind === 'deleted' ? outcome.ids.length : outcome.deleted) > 0) purged.push(`${recordType}:${recordId}`);
        const ended = (await holds()
          .where({ record_type: recordType, record_id: recordId })
          .andWhere('review_due', '<=', now)
          .delete()
          .returning('record_id')) as unknown[];
        holdsEnded += ended.length;
      }
    } catch (failure) {
      return done((failure as Error).message, announcedBySeq);
    }
    return done(null, announcedBySeq);
  };

  /** Phase of each declared class: its expired rows, then its purge record (unless its owner wrote it). */
  const purgeClass = async (planned: ClassPlan, now: Date): Promise<ClassPurge> => {
    const { dataClass, retentionDays: days } = planned;
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const table = `${dataClass.schema}.${dataClass.table}`;
    // Rejects when it cannot be written: then nothing of this class is deleted.
    const announcedBySeq = planned.owner.writesOwnPurgeRecords ? null : await announce(dataClass.name, cutoff, { table, retentionDays: days });
    let outcome: OwnerPurge;
    let dependentsDeleted: DependentsDeleted;
    try {
      ({ outcome, dependentsDeleted } = await purgeRecords(planned, { kind: 'expired', cutoff }, { subject, details: { retentionDays: days, table } }));
    } catch (failure) {
      const error = (failure as Error).message;
      return audit({ dataClass: dataClass.name, cutoff, deleted: 0, dependentsDeleted: {}, error, announcedBySeq }, { table, retentionDays: days });
    }
    if (outcome.kind === 'self-audited') {
      const { deleted, auditRecordSeq } = outcome;
      return { dataClass: dataClass.name, cutoff: outcome.cutoff, deleted, dependentsDeleted, error: null, auditRecordSeq, announcedBySeq };
    }
    return audit({ dataClass: dataClass.name, cutoff, deleted: outcome.ids.length, dependentsDeleted, error: null, announcedBySeq }, { table, retentionDays: days });
  };

  const run = async (now: Date): Promise<PurgeReport> => {
    const classes: ClassPurge[] = [await purgeExpiredIntelligence(now)];
    for (const planned of plan.classes) classes.push(await purgeClass(planned, now));
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
