import knex from 'knex';

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
