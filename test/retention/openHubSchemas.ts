import type { PGlite } from '@electric-sql/pglite';
import { auditMigrations } from '../../audit';
import { retentionMigrations } from '../../retention';
import { type Database, type Migration, createDatabase } from '../../storage/createDatabase';
import { avlMigrations } from '../../subgraphs/avl';
import { cadMigrations } from '../../subgraphs/cad';
import { callsMigrations } from '../../subgraphs/calls';
import { ingestMigrations } from '../../ingest';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';

const MIGRATIONS = {
  calls: callsMigrations,
  cad: cadMigrations,
  avl: avlMigrations,
  ingest: ingestMigrations,
  audit: auditMigrations,
  retention: retentionMigrations,
} satisfies Record<string, readonly Migration[]>;
type SchemaName = keyof typeof MIGRATIONS;

/** The hub's schemas that retention reads and purges, migrated under a fresh prefix. */
export interface HubSchemas {
  readonly prefix: string;
  readonly db: Readonly<Record<SchemaName, Database>>;
  close(): Promise<void>;
}

/** Opens `names` (default: all) under a fresh prefix; on PGlite in the shared `embedded` instance. */
export async function openHubSchemas(
  target: StorageTarget,
  embedded: PGlite | undefined,
  names: readonly SchemaName[] = Object.keys(MIGRATIONS) as SchemaName[],
): Promise<HubSchemas> {
  const prefix = uniqueSchemaPrefix();
  const db = {} as Record<SchemaName, Database>;
  for (const name of names) {
    db[name] = await createDatabase({ url: target.databaseUrl, embedded, schema: `${prefix}${name}`, migrations: MIGRATIONS[name], poolMax: 2 });
  }
  return {
    prefix,
    db,
    async close() {
      for (const database of Object.values(db)) await database.close();
      await dropSchemas(target.databaseUrl, prefix);
    },
  };
}
