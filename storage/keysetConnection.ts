import type { Knex } from 'knex';
import { badUserInput } from '../errors/hubErrors';

/** A Relay connection page. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface KeysetPageOptions<Row, Node> {
  /** The filtered query, without order or limit. */
  readonly query: Knex.QueryBuilder;
  /** Column that orders the list; `idColumn` breaks ties. */
  readonly sortColumn: string;
  readonly idColumn: string;
  readonly descending: boolean;
  readonly first: number;
  readonly after: string | null | undefined;
  /** Reads the sort value and id back out of a row, for its cursor. */
  readonly keyOf: (row: Row) => [string | number, string];
  readonly toNode: (row: Row) => Node;
  /**
   * A test SQL cannot make (a geofence's exact shape): rows it refuses are skipped, and the page
   * is filled from the rows after them, so that pages stay full and cursors keep their order.
   */
  readonly accept?: (row: Row) => boolean;
}

export const MAX_PAGE_SIZE = 100;

/** Rows read per query while `accept` refuses some: enough that a page rarely costs two. */
const FILTERED_BATCH_SIZE = 200;

/**
 * One page of a list ordered by (sortColumn, idColumn), continued from an opaque cursor.
 * Keyset pagination: the cost of a page does not grow with how far into the list it is.
 */
export async function fetchKeysetConnection<Row, Node>(options: KeysetPageOptions<Row, Node>): Promise<Connection<Node>> {
  const { query, sortColumn, idColumn, descending, first, after, keyOf, toNode, accept } = options;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', `must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  const direction = descending ? 'desc' : 'asc';
  // One row more than the page tells whether another page follows.
  const batchSize = accept ? Math.max(first + 1, FILTERED_BATCH_SIZE) : first + 1;
  let from = after ? decodeCursor(after) : null;
  const page: Row[] = [];
  let hasNextPage = false;
  for (;;) {
    const batch = query.clone();
    if (from) batch.whereRaw(`(??, ??) ${descending ? '<' : '>'} (?, ?)`, [sortColumn, idColumn, ...from]);
    const rows = (await batch
      .orderBy([
        { column: sortColumn, order: direction },
        { column: idColumn, order: direction },
      ])
      .limit(batchSize)) as Row[];
    for (const row of rows) {
      if (accept && !accept(row)) continue;
      if (page.length === first) {
        hasNextPage = true;
        break;
      }
      page.push(row);
    }
    const last = rows.at(-1);
    if (hasNextPage || rows.length < batchSize || last === undefined) break;
    from = keyOf(last);
  }
  const edges = page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: toNode(row) }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

function encodeCursor(key: [string | number, string]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): [string | number, string] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 2 &&
      (typeof key[0] === 'string' || typeof key[0] === 'number') &&
      typeof key[1] === 'string'
    ) {
      return [key[0], key[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput('after', 'is not a cursor this list issued');
}
