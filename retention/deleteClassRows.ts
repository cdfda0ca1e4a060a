import type { Knex } from 'knex';
import type { PurgeRequest } from './retentionParticipant';

/**
 * Deletes the rows of `request`'s class that it selects, batch by batch, and returns their
 * ids: an owner's purge of its table. Ids come from RETURNING: knex-pglite does not report a
 * DELETE's row count.
 */
export async function deleteClassRows(knex: Knex, request: PurgeRequest): Promise<string[]> {
  const { dataClass, selectRows, batchSize } = request;
  const { schema, table, idColumn } = dataClass;
  const ids: string[] = [];
  for (;;) {
    const batch = knex.withSchema(schema).table(table).select(idColumn).limit(batchSize);
    selectRows(batch, knex);
    const rows = (await knex.withSchema(schema).table(table).whereIn(idColumn, batch).delete().returning(idColumn)) as Record<string, string | number>[];
    for (const row of rows) ids.push(String(row[idColumn]));
    if (rows.length < batchSize) return ids;
  }
}

/** Where rows refer to a class's records: `<schema>.<table>.<column>` holds the record's id. */
export interface ReferringRows {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
}

/**
 * Deletes the rows of `where` that refer to `ids`, `batchSize` ids per statement, and counts
 * them under `schema.table`. No ids, no count: a purge that deleted nothing names no table.
 */
export async function deleteReferringRows(
  knex: Knex,
  where: ReferringRows,
  ids: readonly string[],
  batchSize: number,
): Promise<Record<string, number>> {
  if (ids.length === 0) return {};
  let deleted = 0;
  for (let from = 0; from < ids.length; from += batchSize) {
    const gone = (await knex
      .withSchema(where.schema)
      .table(where.table)
      .whereIn(where.column, ids.slice(from, from + batchSize))
      .delete()
      .returning(where.column)) as unknown[];
    deleted += gone.length;
  }
  return { [`${where.schema}.${where.table}`]: deleted };
}
