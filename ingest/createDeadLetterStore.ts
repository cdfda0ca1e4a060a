import type { Rejection } from '../contract';
import type { DataClass } from '../retention/dataClass';
import { deleteClassRows } from '../retention/deleteClassRows';
import type { RetentionParticipant } from '../retention/retentionParticipant';
import type { Database } from '../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../storage/keysetConnection';

/**
 * Where a rejection happened: the adapter could not translate, its event broke the contract, or
 * a valid event could not be stored (the bus or a subgraph's database refused it).
 */
export type RejectionStage = 'ADAPTER' | 'CONTRACT' | 'STORE';

/** The reason of the dead letter that summarises one source's rejections beyond the per-minute cap (counts and samples; not replayable). */
export const SUPPRESSED_SUMMARY_REASON = 'dead-letters-suppressed';

export interface DeadLetter {
  readonly id: string;
  readonly source: string;
  readonly stage: RejectionStage;
  readonly reason: string;
  readonly detail: string;
  /** The payload exactly as received (NUL and lone surrogates included). */
  readonly raw: string;
  /** Who sent it, as the adapter authenticated them (a source-secret name, a token subject), if it did. */
  readonly sender: string | null;
  readonly receivedAt: Date;
  readonly replayedAt: Date | null;
  readonly replayCount: number;
}

export interface DeadLetterFilter {
  readonly source?: string | null;
  readonly reason?: string | null;
  readonly pendingOnly?: boolean | null;
}

interface DeadLetterRow {
  id: string | number;
  source: string;
  stage: string;
  reason: string;
  detail: string;
  raw: string;
  raw_encoding: RawEncoding;
  sender: string | null;
  received_at: Date;
  replayed_at: Date | null;
  replay_count: number;
}

/** Rejected input, kept whole so that nothing is lost and it can be replayed after a fix. */
export interface DeadLetterStore {
  add(rejection: Rejection, stage: RejectionStage): Promise<string>;
  byId(id: string): Promise<DeadLetter | null>;
  list(filter: DeadLetterFilter, first: number, after: string | null | undefined): Promise<Connection<DeadLetter>>;
  markReplayed(id: string, at: Date): Promise<DeadLetter | null>;
  /** Retention of `dead-letters`, declared here: a purge deletes the rows (nothing of them is kept in memory). */
  readonly retention: RetentionParticipant;
}

/** The retention class of the dead letters, in the table `dead_letters` of `schema`. */
export function deadLettersClass(schema: string): DataClass {
  return {
    name: 'dead-letters',
    description: 'Rejected vendor input, raw payloads included.',
    schema,
    table: 'dead_letters',
    idColumn: 'id',
    timeColumn: 'received_at',
    retentionSetting: 'retentionDeadLettersDays',
  };
}

/**
 * How `raw` is stored: as the text itself, or as its JSON string literal when the text holds
 * what PostgreSQL text cannot (NUL; lone surrogates, which UTF-8 would turn into U+FFFD).
 * JSON escapes both (`\u0000`, `\ud800`), and `JSON.parse` gives the original back exactly.
 */
type RawEncoding = 'text' | 'json';

// NUL is what these patterns are for.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\p{Cs}]/u;
// eslint-disable-next-line no-control-regex
const UNSTORABLE_ALL = /[\u0000\p{Cs}]/gu;

/** Longest detail kept, in characters: a detail explains, the raw payload is kept whole anyway. */
const MAX_DETAIL_LENGTH = 4000;

function encodeRaw(raw: string): { raw: string; raw_encoding: RawEncoding } {
  return UNSTORABLE.test(raw) ? { raw: JSON.stringify(raw), raw_encoding: 'json' } : { raw, raw_encoding: 'text' };
}

function decodeRaw(raw: string, encoding: RawEncoding): string {
  return encoding === 'json' ? (JSON.parse(raw) as string) : raw;
}

/** Labels and explanations as storable text: NUL and lone surrogates shown as `\uXXXX` (for people, not reversible). */
function storableText(value: string, maxLength = Infinity): string {
  const text = value.replace(UNSTORABLE_ALL, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
  return text.length > maxLength ? `${text.slice(0, maxLength)}… (${text.length - maxLength} more characters)` : text;
}

/** Rejected input in the ingest subgraph's `dead_letters` table. */
export function createDeadLetterStore(db: Database): DeadLetterStore {
  const letters = () => db.table('dead_letters');
  return {
    retention: {
      dataClasses: [deadLettersClass(db.schema)],
      purge: async (request) => ({ kind: 'deleted', ids: await deleteClassRows(db.knex, request), dependentsDeleted: {} }),
    },
    async add(rejection, stage) {
      const [row] = (await letters()
        .insert({
          source: storableText(rejection.source),
          stage,
          reason: storableText(rejection.reason),
          detail: storableText(rejection.detail, MAX_DETAIL_LENGTH),
          ...encodeRaw(rejection.raw),
          sender: rejection.sender ? storableText(rejection.sender) : null,
          received_at: validDate(rejection.receivedAt),
        })
        .returning('id')) as { id: string | number }[];
      return String(row?.id);
    },
    async byId(id) {
      if (!/^\d{1,18}$/.test(id)) return null;
      const [row] = (await letters().where('id', id)) as DeadLetterRow[];
      return row ? deadLetterFromRow(row) : null;
    },
    list(filter, first, after) {
      const query = letters();
      if (filter.source) query.where('source', storableText(filter.source));
      if (filter.reason) query.where('reason', storableText(filter.reason));
      if (filter.pendingOnly) query.whereNull('replayed_at');
      // Ids grow with time, so the newest-first order is the id order; the cursor keeps the id as text.
      return fetchKeysetConnection<DeadLetterRow, DeadLetter>({
        query,
        sortColumn: 'id',
        idColumn: 'id',
        descending: true,
        first,
        after,
        keyOf: (row) => [Number(row.id), String(row.id)],
        toNode: deadLetterFromRow,
      });
    },
    async markReplayed(id, at) {
      const [row] = (await letters()
        .where('id', id)
        .update({ replayed_at: at, replay_count: db.knex.raw('replay_count + 1') })
        .returning('*')) as DeadLetterRow[];
      return row ? deadLetterFromRow(row) : null;
    },
  };
}

function deadLetterFromRow(row: DeadLetterRow): DeadLetter {
  return {
    id: String(row.id),
    source: row.source,
    stage: row.stage as RejectionStage,
    reason: row.reason,
    detail: row.detail,
    raw: decodeRaw(row.raw, row.raw_encoding),
    sender: row.sender,
    receivedAt: row.received_at,
    replayedAt: row.replayed_at,
    replayCount: row.replay_count,
  };
}

/** The adapter's receive time, or now when it is not a time at all (the letter is kept either way). */
function validDate(iso: string): Date {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}
