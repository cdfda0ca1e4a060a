import { randomBytes } from 'node:crypto';

export { dropSchemas } from '../../storage/dropSchemas';

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
