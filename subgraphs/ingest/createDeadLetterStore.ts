import type { Rejection } from '../../adapters/contract';
import type { Database } from '../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../keysetConnection';

/** Where a rejection happened: the adapter could not translate, or its event broke the contract. */
export type RejectionStage = 'ADAPTER' | 'CONTRACT';

export interface DeadLetter {
  readonly id: string;
  readonly source: string;
  readonly stage: RejectionStage;
  readonly reason: string;
  readonly detail: string;
  readonly raw: string;
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
}

export function createDeadLetterStore(db: Database): DeadLetterStore {
  const letters = () => db.table('dead_letters');
  return {
    async add(rejection, stage) {
      const [row] = (await letters()
        .insert({
          source: rejection.source,
          stage,
          reason: rejection.reason,
          detail: rejection.detail,
          raw: rejection.raw,
          received_at: new Date(rejection.receivedAt),
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
      if (filter.source) query.where('source', filter.source);
      if (filter.reason) query.where('reason', filter.reason);
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
    raw: row.raw,
    receivedAt: row.received_at,
    replayedAt: row.replayed_at,
    replayCount: row.replay_count,
  };
}
