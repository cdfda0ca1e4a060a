import type { Logger } from 'pino';
import { createDatabase } from '../storage/createDatabase';
import { createDatabaseReplayCache, signatureReplayMigrations } from './createDatabaseReplayCache';
import { createMemoryReplayCache } from './createMemoryReplayCache';
import type { SignatureReplayCache } from './gatewaySignature';

export interface SignatureReplayCacheOptions {
  /** PostgreSQL shared by the replicas; unset, the process is the only one (embedded database). */
  readonly databaseUrl: string | undefined;
  /** Schema of the used-signature table on PostgreSQL. */
  readonly schema: string;
  readonly maxSkewMs: number;
  /** Signatures kept in memory at most (embedded database). */
  readonly maxEntries: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * The replay cache of every subgraph of this process: in the database when replicas share
 * PostgreSQL (a replay sent to another replica is refused too), else in memory.
 */
export async function openSignatureReplayCache(
  options: SignatureReplayCacheOptions,
): Promise<{ readonly replays: SignatureReplayCache; close(): Promise<void> }> {
  const { databaseUrl, schema, maxSkewMs, maxEntries, logger, now = Date.now } = options;
  if (!databaseUrl) return { replays: createMemoryReplayCache({ maxSkewMs, maxEntries, now }), close: async () => undefined };
  const db = await createDatabase({ url: databaseUrl, schema, migrations: signatureReplayMigrations, poolMax: 4 });
  return {
    replays: createDatabaseReplayCache({ db, maxSkewMs, now, logger: logger.child({ component: 'signature-replays' }) }),
    close: () => db.close(),
  };
}
