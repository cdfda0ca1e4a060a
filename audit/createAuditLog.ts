import type { Knex } from 'knex';
import type { DataClass } from '../retention/dataClass';
import type { RetentionParticipant } from '../retention/retentionParticipant';
import type { Database } from '../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../storage/keysetConnection';
import {
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  type AuditChainReport,
  type AuditPurgeResult,
  type AuditRecord,
  type AuditRecordFilter,
  type AuditRecordInput,
} from './auditRecord';
import { type AuditRecordRow, auditRecordFromRow } from './auditRecordFromRow';
import { AUDIT_MINIMUM_RETENTION_DAYS } from './auditMigrations';
import { hashAuditRecord, normaliseJson, normaliseText } from './canonicalAuditRecord';
import { latestAnchor, verifyAuditChain } from './verifyAuditChain';

export interface AuditLogOptions {
  /** The audit schema's database, migrated with `auditMigrations`. */
  readonly database: Database;
  /** Stamps each record; injected so that tests control time. */
  readonly clock?: () => Date;
  /** Most records written in one statement when appends queue up. */
  readonly maxBatch?: number;
  /** Told of each batch written (records, seconds the statement took), for the audit write latency metric. */
  readonly onWritten?: (records: number, seconds: number) => void;
}

/** Who purged, for the `purge` record. */
export interface PurgeActor {
  readonly subject?: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The tamper-evident, append-only audit log. */
export interface AuditLog {
  /**
   * Writes one record at the end of the hash chain and resolves once it is stored. Appends
   * from anywhere (this process or another on the same PostgreSQL) form one linear chain.
   */
  append(record: AuditRecordInput): Promise<AuditRecord>;
  /** Records newest first, filtered, one keyset page at a time (`first` 1‥100, `after` a cursor). */
  list(filter: AuditRecordFilter, first: number, after?: string | null): Promise<Connection<AuditRecord>>;
  /** One record by its id (seq). */
  byId(id: string): Promise<AuditRecord | null>;
  /** Walks the chain; reports the first broken link. */
  verify(): Promise<AuditChainReport>;
  /**
   * Deletes the records older than `cutoff` (never younger than a year: the database refuses)
   * through the one narrow path the append-only guard allows: a `purge` record announcing the
   * purge is appended first, then the anchor is kept so that the remaining chain still verifies.
   */
  purgeBefore(cutoff: Date, actor?: PurgeActor): Promise<AuditPurgeResult>;
  /**
   * Retention of `audit-records`, declared here: the retention job's purge goes through
   * {@link purgeBefore}, which writes the class's purge record itself.
   */
  readonly retention: RetentionParticipant;
  /** Waits for queued appends; later appends are refused. Leaves the database open. */
  close(): Promise<void>;
}

/** The retention class of the audit trail, in the table `audit_records` of `schema`. */
export function auditRecordsClass(schema: string): DataClass {
  return {
    name: 'audit-records',
    description: 'The audit trail (kept at least 365 days; purged through the audit log, which keeps the chain verifiable).',
    schema,
    table: 'audit_records',
    idColumn: 'seq',
    timeColumn: 'recorded_at',
    retentionSetting: 'retentionAuditDays',
  };
}

/** A record waiting to be chained: everything but its place in the chain. */
type Draft = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

interface Pending {
  readonly draft: Draft;
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

/** Compare-and-set misses in a row (other processes appending) before an append gives up. */
const MAX_CAS_ATTEMPTS = 100;

const COLUMNS = [
  ['seq', 'bigint'],
  ['recorded_at', 'timestamptz'],
  ['kind', 'text'],
  ['subject', 'text'],
  ['roles', 'jsonb'],
  ['client_id', 'text'],
  ['operation_name', 'text'],
  ['document_hash', 'text'],
  ['variables', 'jsonb'],
  ['restricted_fields', 'jsonb'],
  ['record_ids', 'jsonb'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['purpose', 'text'],
  ['disseminated_to', 'text'],
  ['details', 'jsonb'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
] as const;

/**
 * The audit log over the `audit` schema. Appends queue in this process and leave in batches,
 * each batch one statement that inserts the records and moves the chain head only if the head
 * is still where the batch was chained from (compare-and-set); a miss means another process
 * appended, and the batch is chained again. No multi-statement transaction is needed, which
 * matters on embedded PGlite, whose one session the subgraphs share.
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { database: db, clock = () => new Date(), maxBatch = 100 } = options;
  const s = `"${db.schema}"`;
  const pending: Pending[] = [];
  let head: { seq: number; hash: string } | undefined;
  let draining: Promise<void> | null = null;
  let closed = false;
  let purging: Promise<unknown> = Promise.resolve();
  let walking: Promise<AuditChainReport> | null = null;

  const readHead = async () => {
    const [row] = (await db.table('chain_head').where('id', 1)) as { last_seq: string | number; last_hash: string }[];
    if (!row) throw new Error(`the audit chain head row is missing from ${db.schema}.chain_head`);
    return { seq: Number(row.last_seq), hash: row.last_hash };
  };

  const writeBatch = async (drafts: readonly Draft[]): Promise<AuditRecord[]> => {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const from = head ?? (await readHead());
      const records = chain(drafts, from);
      const last = records.at(-1) as AuditRecord;
      const placeholders = records.map(() => `(${COLUMNS.map(([, type]) => `?::${type}`).join(', ')})`).join(',\n');
      const { rows } = (await db.knex.raw(
        `WITH head AS (
           UPDATE ${s}.chain_head SET last_seq = ?, last_hash = ? WHERE id = 1 AND last_seq = ? RETURNING id
         )
         INSERT INTO ${s}.audit_records (${COLUMNS.map(([name]) => name).join(', ')})
         SELECT v.* FROM head, (VALUES ${placeholders}) AS v(${COLUMNS.map(([name]) => name).join(', ')})
         RETURNING seq`,
        [last.seq, last.hash, from.seq, ...records.flatMap(bindingsOf)],
      )) as { rows: unknown[] };
      if (rows.length === records.length) {
        head = { seq: last.seq, hash: last.hash };
        return records;
      }
      head = undefined; // another process appended: chain again from the new head
    }
    throw new Error(`audit append gave up after ${MAX_CAS_ATTEMPTS} attempts: the chain head kept moving`);
  };

  /** Writes queued records batch by batch; clears `draining` in the same turn as it sees the queue empty. */
  const startDraining = () => {
    if (draining) return;
    draining = (async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, maxBatch);
        try {
          const started = performance.now();
          const records = await writeBatch(batch.map((entry) => entry.draft));
          options.onWritten?.(records.length, (performance.now() - started) / 1000);
          batch.forEach((entry, index) => entry.resolve(records[index] as AuditRecord));
        } catch (error) {
          head = undefined;
          for (const entry of batch) entry.reject(error);
        }
      }
      draining = null;
    })();
  };

  const append = (input: AuditRecordInput): Promise<AuditRecord> => {
    if (closed) return Promise.reject(new Error('the audit log is closed'));
    let draft: Draft;
    try {
      draft = draftOf(input, clock());
    } catch (error) {
      return Promise.reject(error);
    }
    const stored = new Promise<AuditRecord>((resolve, reject) => pending.push({ draft, resolve, reject }));
    startDraining();
    return stored;
  };

  const purgeOnce = async (cutoff: Date, actor: PurgeActor): Promise<AuditPurgeResult> => {
    // The database's clock decides what is a year old; a later cutoff is brought back to it.
    const { rows: cut } = (await db.knex.raw(`SELECT least(?::timestamptz, now() - interval '${AUDIT_MINIMUM_RETENTION_DAYS} days') AS cutoff`, [
      cutoff.toISOString(),
    ])) as { rows: { cutoff: Date }[] };
    const effectiveCutoff = new Date((cut[0] as { cutoff: Date }).cutoff);
    const anchor = await latestAnchor(db);
    const { rows: bounds } = (await db.knex.raw(
      `SELECT (SELECT min(seq) FROM ${s}.audit_records WHERE recorded_at >= ?::timestamptz) AS first_kept,
              (SELECT last_seq FROM ${s}.chain_head WHERE id = 1) AS last_seq`,
      [effectiveCutoff.toISOString()],
    )) as { rows: { first_kept: string | number | null; last_seq: string | number }[] };
    const bound = bounds[0] as { first_kept: string | number | null; last_seq: string | number };
    const throughSeq = (bound.first_kept === null ? Number(bound.last_seq) + 1 : Number(bound.first_kept)) - 1;
    const [through] = (await db.table('audit_records').where('seq', throughSeq)) as AuditRecordRow[];
    const [{ count }] = (await db.table('audit_records').where('seq', '<=', throughSeq).count({ count: '*' })) as [{ count: string | number }];
    const expired = through && throughSeq > (anchor?.throughSeq ?? 0) ? Number(count) : 0;

    const purgeRecord = await append({
      kind: 'purge',
      subject: actor.subject ?? 'system:retention',
      outcome: 'ok',
      details: {
        ...actor.details,
        dataClass: 'audit-records',
        cutoff: effectiveCutoff.toISOString(),
        deleted: expired,
        ...(expired > 0 && through ? { throughSeq, throughHash: through.hash } : {}),
      },
    });
    if (expired === 0) return { cutoff: effectiveCutoff, deleted: 0, purgeRecord, anchor: null };
    const { rows } = (await db.knex.raw(`SELECT ${s}.purge_chain_prefix(?::bigint, ?::timestamptz, ?::bigint) AS deleted`, [
      throughSeq,
      effectiveCutoff.toISOString(),
      purgeRecord.seq,
    ])) as { rows: { deleted: string | number }[] };
    return { cutoff: effectiveCutoff, deleted: Number(rows[0]?.deleted ?? 0), purgeRecord, anchor: await latestAnchor(db) };
  };

  const purgeBefore = (cutoff: Date, actor: PurgeActor = {}): Promise<AuditPurgeResult> => {
    // One purge at a time in this process; the database refuses a second purge of the same prefix.
    const run = purging.then(() => purgeOnce(cutoff, actor));
    purging = run.catch(() => undefined);
    return run;
  };

  return {
    append,
    list(filter, first, after) {
      const query = db.table('audit_records');
      if (filter.from) query.where('recorded_at', '>=', filter.from);
      if (filter.to) query.where('recorded_at', '<', filter.to);
      if (filter.subject) query.where('subject', filter.subject);
      if (filter.kinds && filter.kinds.length > 0) query.whereIn('kind', [...filter.kinds]);
      if (filter.purpose) query.where('purpose', filter.purpose);
      if (filter.outcome) query.where('outcome', filter.outcome);
      if (filter.recordId) query.whereRaw('record_ids @> ?::jsonb', [JSON.stringify([filter.recordId])]);
      if (filter.disseminatedOnly) query.whereNotNull('disseminated_to');
      // Seq grows with time, so newest first is seq order.
      return fetchKeysetConnection<AuditRecordRow, AuditRecord>({
        query,
        sortColumn: 'seq',
        idColumn: 'seq',
        descending: true,
        first,
        after,
        keyOf: (row) => [Number(row.seq), String(row.seq)],
        toNode: auditRecordFromRow,
      });
    },
    async byId(id) {
      if (!/^\d{1,15}$/.test(id)) return null;
      const [row] = (await db.table('audit_records').where('seq', Number(id))) as AuditRecordRow[];
      return row ? auditRecordFromRow(row) : null;
    },
    verify() {
      // One walk at a time: callers that ask while one runs share its report, so that a hundred
      // aliased verifyAuditChain fields are one walk, not a hundred walks' batches in memory.
      walking ??= verifyAuditChain(db).finally(() => {
        walking = null;
      });
      return walking;
    },
    purgeBefore,
    retention: {
      dataClasses: [auditRecordsClass(db.schema)],
      // Its purge record goes into the chain before the prefix it cuts (purgeOnce).
      writesOwnPurgeRecords: true,
      async purge({ scope, audit }) {
        // No audit record is held as intelligence: only expired ones are ever asked for.
        if (scope.kind !== 'expired') throw new RangeError('audit records are purged by age only');
        const result = await purgeBefore(scope.cutoff, audit);
        return { kind: 'self-audited', deleted: result.deleted, cutoff: result.cutoff, auditRecordSeq: result.purgeRecord.seq };
      },
    },
    async close() {
      await purging;
      closed = true;
      while (draining) await draining;
    },
  };
}

/** Links drafts after `from`: consecutive seqs, each hash over the record and the one before. */
function chain(drafts: readonly Draft[], from: { seq: number; hash: string }): AuditRecord[] {
  const records: AuditRecord[] = [];
  let previous = from;
  for (const draft of drafts) {
    const unhashed = { ...draft, seq: previous.seq + 1, prevHash: previous.hash };
    const record = { ...unhashed, hash: hashAuditRecord(unhashed) };
    records.push(record);
    previous = record;
  }
  return records;
}

function bindingsOf(record: AuditRecord): Knex.Value[] {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return [
    record.seq,
    record.recordedAt.toISOString(),
    record.kind,
    record.subject,
    json(record.roles),
    record.clientId,
    record.operationName,
    record.documentHash,
    json(record.variables),
    json(record.restrictedFields),
    json(record.recordIds),
    record.outcome,
    record.reason,
    record.purpose,
    record.disseminatedTo,
    json(record.details),
    record.prevHash,
    record.hash,
  ];
}

/** Checks and normalises what a caller states, so that the hash survives the round trip through storage. */
function draftOf(input: AuditRecordInput, at: Date): Draft {
  if (!(AUDIT_KINDS as readonly string[]).includes(input.kind)) throw new TypeError(`audit record: unknown kind ${JSON.stringify(input.kind)}`);
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new TypeError(`audit record: unknown outcome ${JSON.stringify(input.outcome)}`);
  }
  if (input.kind === 'dissemination' && !input.disseminatedTo) {
    throw new TypeError('audit record: a dissemination names who received the data (disseminatedTo)');
  }
  // Millisecond precision both in JavaScript and after PostgreSQL's microsecond round trip.
  const recordedAt = new Date(Math.floor(at.getTime()));
  if (Number.isNaN(recordedAt.getTime())) throw new TypeError('audit record: the clock gave an invalid time');
  return {
    recordedAt,
    kind: input.kind,
    subject: text(input.subject, 'subject'),
    roles: strings(input.roles, 'roles'),
    clientId: text(input.clientId, 'clientId'),
    operationName: text(input.operationName, 'operationName'),
    documentHash: text(input.documentHash, 'documentHash'),
    variables: input.variables === null || input.variables === undefined ? null : normaliseJson(input.variables),
    restrictedFields: strings(input.restrictedFields, 'restrictedFields'),
    recordIds: strings(input.recordIds, 'recordIds'),
    outcome: input.outcome,
    reason: text(input.reason, 'reason'),
    purpose: text(input.purpose, 'purpose'),
    disseminatedTo: text(input.disseminatedTo, 'disseminatedTo'),
    details: input.details === null || input.details === undefined ? null : normaliseJson(input.details),
  };
}

function text(value: unknown, name: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new TypeError(`audit record: ${name} must be a string`);
  return normaliseText(value);
}

function strings(value: unknown, name: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new TypeError(`audit record: ${name} must be a list of strings`);
  }
  return value.map((item: string) => normaliseText(item) as string);
}
