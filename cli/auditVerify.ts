// `npm run audit:verify`: walks the audit trail's hash chain in the hub's database and reports
// the first broken link. Exit code 0: intact; 1: broken; 2: could not check (no database, no
// audit log, bad configuration, the data directory in use). Reads DATABASE_URL (PostgreSQL) or,
// when unset, PGLITE_DATA_DIR (the embedded database's files, `.rtcc/data` by default, so that
// with no setting it checks what `npm start` keeps; stop the hub first: PGlite is one process's,
// and the directory's lock refuses a second one), and DATABASE_SCHEMA_PREFIX, as the hub does.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import knex from 'knex';
import { type HubConfig, readHubConfig } from '../config/hubConfig';
import { type Database, createDatabase, createEmbeddedPostgres } from '../storage/createDatabase';
import { DataDirectoryInUseError } from '../storage/lockDataDirectory';
import type { AuditChainReport } from '../audit/auditRecord';
import { auditMigrations } from '../audit/auditMigrations';
import { verifyAuditChain } from '../audit/verifyAuditChain';

const EXIT = { intact: 0, broken: 1, unchecked: 2 } as const;

/** A reason the chain could not be checked at all. */
class CannotCheck extends Error {}

const print = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let config: HubConfig;
  try {
    config = readHubConfig();
  } catch (error) {
    throw new CannotCheck((error as Error).message);
  }
  const schema = `${config.schemaPrefix ?? ''}audit`;
  const target = await openAuditSchema(config, schema);
  try {
    print(`Audit chain ${schema} on ${target.where}`);
    const report = await verifyAuditChain(target.db);
    printReport(report);
    return report.ok ? EXIT.intact : EXIT.broken;
  } finally {
    await target.close();
  }
}

async function openAuditSchema(config: HubConfig, schema: string): Promise<{ db: Database; where: string; close(): Promise<void> }> {
  if (config.databaseUrl) {
    const where = `PostgreSQL ${withoutPassword(config.databaseUrl)}`;
    const probe = knex({ client: 'pg', connection: config.databaseUrl, pool: { min: 0, max: 1 } });
    try {
      const { rows } = (await probe.raw('SELECT to_regclass(?)::text AS found', [chainHeadOf(schema)])) as { rows: { found: string | null }[] };
      requireAuditLog(rows[0]?.found, schema, where);
    } finally {
      await probe.destroy();
    }
    const db = await createDatabase({ url: config.databaseUrl, schema, migrations: auditMigrations, poolMax: 2 });
    return { db, where, close: () => db.close() };
  }
  const dataDir = config.pgliteDataDir;
  if (!dataDir) {
    throw new CannotCheck('Nothing to check: DATABASE_URL is unset and the embedded database is in memory (PGLITE_DATA_DIR=memory).');
  }
  // Opening an empty directory would create a database there: checking must not write.
  if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new CannotCheck(`No embedded database at PGLITE_DATA_DIR=${dataDir}.`);
  const where = `embedded PGlite in ${resolve(dataDir)}`;
  let embedded: PGlite;
  try {
    embedded = await createEmbeddedPostgres(dataDir);
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) throw new CannotCheck(error.message);
    throw error;
  }
  try {
    const { rows } = await embedded.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [chainHeadOf(schema)]);
    requireAuditLog(rows[0]?.found, schema, where);
    const db = await createDatabase({ embedded, schema, migrations: auditMigrations });
    return {
      db,
      where,
      async close() {
        await db.close();
        await embedded.close();
      },
    };
  } catch (error) {
    await embedded.close();
    throw error;
  }
}

const chainHeadOf = (schema: string) => `"${schema}".chain_head`;

/** Refuses to create an audit log where there is none (opening the schema would migrate it): checking must not write. */
function requireAuditLog(found: string | null | undefined, schema: string, where: string): void {
  if (!found) throw new CannotCheck(`No audit log (schema ${schema}) in ${where}.`);
}

function printReport(report: AuditChainReport): void {
  const range = report.firstSeq === null ? '' : ` (records ${report.firstSeq}‥${report.lastSeq})`;
  print(`  records checked: ${report.checkedRecords}${range}`);
  if (report.anchor) {
    const { throughSeq, cutoff, purgeRecordSeq, purgedAt } = report.anchor;
    print(
      `  starts after purge anchor: records through ${throughSeq} (older than ${cutoff.toISOString()}) purged ${purgedAt.toISOString()}, announced by record ${purgeRecordSeq}`,
    );
  }
  const link = report.firstBrokenLink;
  if (!link) {
    print('OK: the chain is intact.');
    return;
  }
  print(`BROKEN: first broken link at record ${link.seq ?? '(none)'}${link.recordedAt ? ` recorded ${link.recordedAt.toISOString()}` : ''}`);
  print(`  problem:       ${link.problem}`);
  print(`  detail:        ${link.detail}`);
  print(`  expected hash: ${link.expectedHash ?? '-'}`);
  print(`  found hash:    ${link.foundHash ?? '-'}`);
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CannotCheck) console.error(error.message);
    else console.error('audit:verify could not check the chain:', error);
    process.exit(EXIT.unchecked);
  },
);
