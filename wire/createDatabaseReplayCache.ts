import type { Logger } from 'pino';
import type { Database, Migration } from '../storage/createDatabase';
import type { SignatureReplayCache } from './gatewaySignature';

/**
 * The table of used signatures: UNLOGGED, since a crash that loses it loses nothing a skew
 * later (every signature in it has expired by then) and the write-ahead log is the dearest
 * part of an insert; the primary key is what refuses a second use.
 */
export const signatureReplayMigrations: readonly Migration[] = [
  {
    name: '001_used_signatures',
    up: async (db, schema) => {
      await db.raw('CREATE UNLOGGED TABLE IF NOT EXISTS ??.used_signatures (mac text PRIMARY KEY, signed_at bigint NOT NULL)', [schema]);
      await db.raw('CREATE INDEX IF NOT EXISTS used_signatures_signed_at ON ??.used_signatures (signed_at)', [schema]);
    },
    down: async (db, schema) => {
      await db.raw('DROP TABLE IF EXISTS ??.used_signatures', [schema]);
    },
  },
];

export interface DatabaseReplayCacheOptions {
  /** A database migrated with {@link signatureReplayMigrations}, shared by every replica. */
  readonly db: Database;
  readonly maxSkewMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Least time between two deletions of expired rows, in ms. */
  readonly sweepEveryMs?: number;
  /** Claims sent in one statement at most. */
  readonly maxBatch?: number;
}

interface PendingClaim {
  readonly mac: string;
  readonly signedAt: number;
  resolve(fresh: boolean): void;
  reject(error: Error): void;
}

/**
 * The signatures of every replica, in PostgreSQL: a claim is an `INSERT … ON CONFLICT DO
 * NOTHING`, fresh when the row went in. Claims made in one turn of the event loop share one
 * statement, so that under load a subgraph spends one round trip per batch, not per request.
 * Rows are deleted two skews after their time (the clocks of two replicas may differ by up to a
 * skew, and each accepts a signature a skew either side of its own), so the table holds about
 * two skews of traffic. If the database cannot answer, the claim fails and the verifier
 * refuses the request: no replay check, no request.
 */
export function createDatabaseReplayCache(options: DatabaseReplayCacheOptions): SignatureReplayCache {
  const { db, maxSkewMs, logger, now = Date.now, sweepEveryMs = 10_000, maxBatch = 500 } = options;
  const pending: PendingClaim[] = [];
  let scheduled = false;
  let lastSweep = 0;

  const sweep = async () => {
    lastSweep = now();
    await db.table('used_signatures').where('signed_at', '<', lastSweep - 2 * maxSkewMs).delete();
  };

  const flush = async () => {
    scheduled = false;
    const batch = pending.splice(0, maxBatch);
    if (pending.length > 0) schedule();
    // Two claims of one signature in a batch: the first decides, the others are replays.
    const first = new Map<string, PendingClaim>();
    for (const claim of batch) {
      if (first.has(claim.mac)) claim.resolve(false);
      else first.set(claim.mac, claim);
    }
    const claims = [...first.values()];
    try {
      const inserted: { mac: string }[] = await db
        .table('used_signatures')
        .insert(claims.map(({ mac, signedAt }) => ({ mac, signed_at: signedAt })))
        .onConflict('mac')
        .ignore()
        .returning('mac');
      const fresh = new Set(inserted.map((row) => row.mac));
      for (const claim of claims) claim.resolve(fresh.has(claim.mac));
    } catch (error) {
      logger.error({ err: error }, 'used signatures could not be recorded; refusing the requests');
      const failure = new Error(`the database did not record the signature: ${(error as Error).message}`);
      for (const claim of claims) claim.reject(failure);
    }
    if (now() - lastSweep >= sweepEveryMs) {
      await sweep().catch((error: unknown) => logger.warn({ err: error }, 'expired signatures could not be deleted'));
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  };

  return {
    claim(mac, signedAt) {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ mac, signedAt, resolve, reject });
        schedule();
      });
    },
  };
}
