import type { PGlite } from '@electric-sql/pglite';
import { auditMigrations } from '../../audit';
import { type RetentionParticipant, type RetentionSetting, retentionMigrations } from '../../retention';
import { type Database, type Migration, createDatabase } from '../../storage/createDatabase';
import { avlMigrations } from '../../subgraphs/avl';
import { createAvlStore } from '../../subgraphs/avl/createAvlStore';
import { cadMigrations } from '../../subgraphs/cad';
import { createCadStore } from '../../subgraphs/cad/createCadStore';
import { callsMigrations } from '../../subgraphs/calls';
import { createCallsStore } from '../../subgraphs/calls/createCallsStore';
import { createDeadLetterStore, ingestMigrations } from '../../ingest';
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

/** The days each retention setting keeps in the retention tests. */
export const RETENTION_DAYS: Record<RetentionSetting, number> = {
  retentionAvlPositionsDays: 90,
  retentionCallsDays: 365,
  retentionIncidentsDays: 365,
  retentionDeadLettersDays: 30,
  retentionCommunityFootageDays: 1825,
  retentionAuditDays: 365,
};

/** The hub's schemas that retention reads and purges, migrated under a fresh prefix. */
export interface HubSchemas {
  readonly prefix: string;
  readonly db: Readonly<Record<SchemaName, Database>>;
  /**
   * The owners of the data in these schemas, as the hub has them take part in retention (the
   * audit log aside: the job always includes the one it writes to), in the order given.
   */
  participants(owners?: readonly Owner[]): RetentionParticipant[];
  close(): Promise<void>;
}

/** The owners of retention classes in these schemas, besides the audit log. */
type Owner = 'avl' | 'calls' | 'cad' | 'ingest';

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
  const participantOf: Record<Owner, () => RetentionParticipant> = {
    avl: () => createAvlStore(db.avl).retention,
    calls: () => createCallsStore(db.calls).retention,
    cad: () => createCadStore(db.cad).retention,
    ingest: () => createDeadLetterStore(db.ingest).retention,
  };
  return {
    prefix,
    db,
    participants: (owners = ['avl', 'calls', 'cad', 'ingest']) => owners.map((owner) => participantOf[owner]()),
    async close() {
      for (const database of Object.values(db)) await database.close();
      await dropSchemas(target.databaseUrl, prefix);
    },
  };
}
