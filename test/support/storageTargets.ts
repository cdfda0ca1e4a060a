import { randomBytes } from 'node:crypto';
import knex from 'knex';

/** A database the tests run against: embedded PGlite always, PostgreSQL when DATABASE_URL is set. */
export interface StorageTarget {
  readonly name: 'pglite' | 'postgres';
  readonly databaseUrl: string | undefined;
}

export const STORAGE_TARGETS: readonly StorageTarget[] = [
  { name: 'pglite', databaseUrl: undefined },
  ...(process.env.DATABASE_URL ? [{ name: 'postgres' as const, databaseUrl: process.env.DATABASE_URL }] : []),
];

/** A schema prefix no other test run uses, so that runs can share one PostgreSQL database. */
export function uniqueSchemaPrefix(): string {
  return `t${randomBytes(4).toString('hex')}_`;
}

/** Drops every schema whose name starts with `prefix` (PostgreSQL only). */
export async function dropSchemas(databaseUrl: string | undefined, prefix: string): Promise<void> {
  if (!databaseUrl) return;
  const db = knex({ client: 'pg', connection: databaseUrl });
  try {
    const { rows } = (await db.raw('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)', [prefix])) as {
      rows: { nspname: string }[];
    };
    for (const { nspname } of rows) await db.raw('DROP SCHEMA ?? CASCADE', [nspname]);
  } finally {
    await db.destroy();
  }
}
