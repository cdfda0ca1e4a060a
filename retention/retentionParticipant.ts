import type { Knex } from 'knex';
import type { RetentionClass, RetentionClassName } from './retentionClasses';

/** Which of a class's records one purge takes. */
export type PurgeScope =
  /** Records older than `cutoff` (by the class's time column), except those under an intelligence hold. */
  | { readonly kind: 'expired'; readonly cutoff: Date }
  /** Exactly these records, whatever their age: their intelligence hold's review date passed (28 CFR 23.20(h)). */
  | { readonly kind: 'records'; readonly ids: readonly string[] };

/** What the retention job asks of every participant, once per class and run. */
export interface PurgeRequest {
  readonly dataClass: RetentionClass;
  readonly scope: PurgeScope;
  /**
   * Narrows a query on the class's table to the rows this purge takes (holds excepted), built
   * with `knex`, the connection that runs it; the owner deletes with {@link deleteClassRows}.
   */
  readonly selectRows: (query: Knex.QueryBuilder, knex: Knex) => void;
  /** Rows per DELETE statement, so that no statement holds locks for long. */
  readonly batchSize: number;
}

/**
 * A subgraph's part in retention: the owner of a class's table deletes its rows, and every
 * participant drops the copies it keeps in memory (kd-trees, caches), so that a purged record
 * is gone from every answer, not only from the table. The job orchestrates and audits.
 */
export interface RetentionParticipant {
  /** Classes whose table this participant owns and deletes from (one owner per class). */
  readonly ownedClasses: readonly RetentionClassName[];
  /**
   * Purges what `request` names from this participant: the rows of an owned class's table, and
   * any in-memory copy of the class's records (owned or not; for `expired`, every copy older
   * than the cut-off, whoever deleted the rows: another replica's job may have). Resolves with
   * the ids of the rows it deleted ([] for a class it only copies).
   */
  purge(request: PurgeRequest): Promise<readonly string[]>;
}

/**
 * Deletes the rows of `request`'s class that it selects from `<schema>.<table>`, batch by
 * batch, and returns their ids. Ids come from RETURNING: knex-pglite does not report a
 * DELETE's row count.
 */
export async function deleteClassRows(knex: Knex, schema: string, request: PurgeRequest): Promise<string[]> {
  const { dataClass, selectRows, batchSize } = request;
  const ids: string[] = [];
  for (;;) {
    const batch = knex.withSchema(schema).table(dataClass.table).select(dataClass.idColumn).limit(batchSize);
    selectRows(batch, knex);
    const rows = (await knex
      .withSchema(schema)
      .table(dataClass.table)
      .whereIn(dataClass.idColumn, batch)
      .delete()
      .returning(dataClass.idColumn)) as Record<string, string | number>[];
    for (const row of rows) ids.push(String(row[dataClass.idColumn]));
    if (rows.length < batchSize) return ids;
  }
}
