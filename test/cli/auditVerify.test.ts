import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditRecord, auditMigrations, createAuditLog } from '../../audit';
import { type Database, createDatabase, createEmbeddedPostgres } from '../../storage/createDatabase';
import { STORAGE_TARGETS, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';
import { runToEnd } from '../support/runToEnd';

const ROOT = join(__dirname, '..', '..');

/**
 * Runs `npm run audit:verify` with `env` as the hub's environment; with `cwd`, runs the script
 * there as `npm run` would (node with tsx), so that relative defaults resolve under it.
 */
function runAuditVerify(env: Record<string, string | undefined>, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DATABASE_URL: _url, PGLITE_DATA_DIR: _dir, DATABASE_SCHEMA_PREFIX: _prefix, ...inherited } = process.env;
  return runToEnd(
    cwd
      ? spawn(process.execPath, ['--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'), join(ROOT, 'cli', 'auditVerify.ts')], { cwd, env: { ...inherited, ...env } })
      : spawn('npm', ['run', '--silent', 'audit:verify'], { cwd: ROOT, env: { ...inherited, ...env } }),
  );
}

describe.each(STORAGE_TARGETS)('npm run audit:verify on $name', (target) => {
  const prefix = uniqueSchemaPrefix();
  const dataDir = target.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'rtcc-audit-'));
  const env = target.databaseUrl
    ? { DATABASE_URL: target.databaseUrl, DATABASE_SCHEMA_PREFIX: prefix }
    : { PGLITE_DATA_DIR: dataDir, DATABASE_SCHEMA_PREFIX: prefix };

  /** Opens the audit schema the way the hub would, runs `work`, and closes everything again (PGlite: one process at a time). */
  async function withAuditDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const embedded = target.databaseUrl ? undefined : await createEmbeddedPostgres(dataDir);
    const db = await createDatabase({ url: target.databaseUrl, embedded, schema: `${prefix}audit`, migrations: auditMigrations });
    try {
      return await work(db);
    } finally {
      await db.close();
      await embedded?.close();
    }
  }

  afterAll(async () => {
    await dropSchemas(target.databaseUrl, prefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 2 when there is no audit log to check, and creates none', async () => {
    const result = await runAuditVerify(env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(target.databaseUrl ? /No audit log \(schema t[0-9a-f]+_audit\)/ : /No embedded database at PGLITE_DATA_DIR/);
    if (dataDir) {
      expect(readdirSync(dataDir)).toEqual([]);
      // A database without the audit schema is left as it is, too.
      await (await createEmbeddedPostgres(dataDir)).close();
      const again = await runAuditVerify(env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/No audit log \(schema t[0-9a-f]+_audit\) in embedded PGlite/);
    }
  });

  it('exits 0 on an intact chain and 1 with the first broken link on a tampered one', async () => {
    const records = await withAuditDatabase(async (database) => {
      const log = createAuditLog({ database });
      const written: AuditRecord[] = [];
      for (let n = 1; n <= 3; n++) written.push(await log.append({ kind: 'query', subject: `user-${n}`, outcome: 'ok', purpose: `CASE-${n}` }));
      await log.close();
      return written;
    });
    const intact = await runAuditVerify(env);
    expect(intact.stdout).toContain('records checked: 3 (records 1‥3)');
    expect(intact.stdout).toContain('OK: the chain is intact.');
    expect(intact.code).toBe(0);

    await withAuditDatabase(async (db) => {
      await db.knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        await trx.withSchema(db.schema).table('audit_records').where('seq', 2).update({ purpose: 'CASE-rewritten' });
      });
    });
    const broken = await runAuditVerify(env);
    expect(broken.stdout).toContain(`BROKEN: first broken link at record 2 recorded ${records[1]?.recordedAt.toISOString()}`);
    expect(broken.stdout).toContain('problem:       hash-mismatch');
    expect(broken.stdout).toContain(`found hash:    ${records[1]?.hash}`);
    expect(broken.stdout).toMatch(/expected hash: [0-9a-f]{64}/);
    expect(broken.code).toBe(1);
  });

  if (dataDir) {
    it('exits 2 while another process holds the data directory, naming it, and leaves the lock alone', async () => {
      // This jest worker holds it, as a running hub would.
      const embedded = await createEmbeddedPostgres(dataDir);
      try {
        const result = await runAuditVerify(env);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`in use by process ${process.pid}`);
        expect(readdirSync(dataDir)).toContain('rtcc-hub.lock');
      } finally {
        await embedded.close();
      }
      expect(readdirSync(dataDir)).not.toContain('rtcc-hub.lock');
      expect((await runAuditVerify(env)).code).toBe(1);
    });
  }
});

describe('npm run audit:verify without a database', () => {
  it('exits 2 when the embedded database is only in memory', async () => {
    const result = await runAuditVerify({ PGLITE_DATA_DIR: 'memory' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Nothing to check');
  });

  it('with no setting, checks the default data directory under the working directory (here, none yet), and creates nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rtcc-audit-default-'));
    try {
      const result = await runAuditVerify({}, cwd);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('No embedded database at PGLITE_DATA_DIR=.rtcc/data');
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
