import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { lockDataDirectory } from './lockDataDirectory';

/** One knex migration, listed in code so that the same list runs on PostgreSQL and PGlite. */
export interface Migration {
  readonly name: string;
  /** `schema` is the subgraph's schema: create tables with `db.schema.withSchema(schema)`. */
  up(db: Knex, schema: string): Promise<void>;
  down(db: Knex, schema: string): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, `embedded` is used. */
  readonly url?: string | undefined;
  /** The embedded PGlite database shared by the subgraphs of one process (see {@link createEmbeddedPostgres}). */
  readonly embedded?: PGlite | undefined;
  /**
   * PostgreSQL schema holding this subgraph's tables: each subgraph owns one. Queries name it
   * explicitly (`knex.withSchema`), so several subgraphs can share one connection safely.
   */
  readonly schema: string;
  /** Migrations to bring the schema up to date before returning. */
  readonly migrations: readonly Migration[];
  /** Connection pool ceiling for PostgreSQL (PGlite has exactly one connection). */
  readonly poolMax?: number;
}

/** A migrated knex instance for one subgraph's schema. */
export interface Database {
  readonly knex: Knex;
  readonly kind: 'postgres' | 'pglite';
  /** The schema that holds this subgraph's tables. */
  readonly schema: string;
  /** Query builder for one of this subgraph's tables. */
  table(name: string): Knex.QueryBuilder;
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL (when `url` is set) or the embedded PGlite database, creates the schema and
 * runs the migrations. The same migrations run on both engines.
 */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  const { url, embedded, schema, migrations, poolMax = 10 } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  let db: Knex;
  if (url) db = knex({ client: 'pg', connection: url, pool: { min: 0, max: poolMax } });
  else if (embedded) {
    // knex-pglite accepts an existing PGlite instance through a connection factory (untyped).
    const pglite = withoutClose(embedded);
    const connection = (() => ({ pglite })) as unknown as Knex.StaticConnectionConfig;
    db = knex({ client: ClientPgLite, dialect: 'postgres', connection });
  } else throw new Error('createDatabase needs either a PostgreSQL url or an embedded PGlite instance');
  try {
    await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
    await db.migrate.latest({
      schemaName: schema,
      migrationSource: {
        getMigrations: async () => [...migrations],
        getMigrationName: (migration: Migration) => migration.name,
        getMigration: async (migration: Migration) => ({
          up: (k: Knex) => migration.up(k, schema),
          down: (k: Knex) => migration.down(k, schema),
        }),
      },
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    knex: db,
    kind: url ? 'postgres' : 'pglite',
    schema,
    table: (name) => db.withSchema(schema).table(name),
    // The embedded instance is shared, so closing a subgraph's handle leaves it open.
    close: () => db.destroy(),
  };
}

/**
 * Starts an embedded PostgreSQL (PGlite), in memory or in `dataDir` when given. One instance
 * serves every subgraph in the process, each in its own schema. A data directory is locked
 * (`lockDataDirectory`) for as long as the instance is open: PGlite is one process's at a
 * time, and a second process on the same files would corrupt them, so it is refused with
 * `DataDirectoryInUseError`. `close()` shuts PGlite down cleanly (its last writes are on
 * disk) and then releases the lock.
 */
export async function createEmbeddedPostgres(dataDir?: string): Promise<PGlite> {
  if (!dataDir) {
    const pglite = new PGlite();
    await pglite.waitReady;
    return pglite;
  }
  const directory = resolve(dataDir);
  mkdirSync(directory, { recursive: true });
  const lock = lockDataDirectory(directory);
  let pglite: PGlite;
  try {
    pglite = new PGlite(directory);
    await pglite.waitReady;
  } catch (error) {
    lock.release();
    throw error;
  }
  const closePglite = pglite.close.bind(pglite);
  pglite.close = async () => {
    try {
      await closePglite();
    } finally {
      lock.release();
    }
  };
  return pglite;
}

/**
 * knex-pglite closes the PGlite instance when knex releases its connection; the instance is
 * shared by every subgraph of the process, so hand knex a view whose close() does nothing.
 */
function withoutClose(pglite: PGlite): PGlite {
  return new Proxy(pglite, {
    get(target, property) {
      if (property === 'close') return async () => undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
