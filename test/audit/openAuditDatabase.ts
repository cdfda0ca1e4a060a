import type { PGlite } from '@electric-sql/pglite';
import { auditMigrations } from '../../audit';
import { type Database, createDatabase, createEmbeddedPostgres } from '../../storage/createDatabase';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';

/** A migrated audit schema on `target`, in a schema of its own, and how to drop it again. */
export interface AuditTestDatabase {
  readonly db: Database;
  /** Opens another handle on the same database and schema (PostgreSQL: its own connection pool, as another process has). */
  openAnother(): Promise<Database>;
  /**
   * Runs statements as a superuser with every trigger off (`session_replication_role = replica`):
   * how someone with database access would tamper with the log.
   */
  tamper(...statements: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the audit schema under a fresh prefix. On PGlite, pass a shared `embedded` instance to
 * save starting one per test (each test still gets its own schema); without one, its own is
 * started and closed.
 */
export async function openAuditDatabase(target: StorageTarget, shared?: PGlite): Promise<AuditTestDatabase> {
  const prefix = uniqueSchemaPrefix();
  const schema = `${prefix}audit`;
  const embedded: PGlite | undefined = target.databaseUrl ? undefined : (shared ?? (await createEmbeddedPostgres()));
  const open = () => createDatabase({ url: target.databaseUrl, embedded, schema, migrations: auditMigrations });
  const db = await open();
  const others: Database[] = [];
  return {
    db,
    async openAnother() {
      const other = await open();
      others.push(other);
      return other;
    },
    async tamper(...statements) {
      await db.knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        for (const statement of statements) await trx.raw(statement.replaceAll('$schema', `"${schema}"`));
      });
    },
    async close() {
      for (const other of others) await other.close();
      await db.close();
      if (!shared) await embedded?.close();
      await dropSchemas(target.databaseUrl, prefix);
    },
  };
}
