// Run as a child process by auditLog.test.ts: appends AUDIT_COUNT records to the audit schema
// AUDIT_SCHEMA on DATABASE_URL, all at once, as another hub process on the same PostgreSQL would.
import { auditMigrations, createAuditLog } from '../../audit';
import { createDatabase } from '../../storage/createDatabase';

async function main(): Promise<void> {
  const { DATABASE_URL: url, AUDIT_SCHEMA: schema = '', AUDIT_COUNT: count = '100', AUDIT_TAG: tag = 'child' } = process.env;
  const database = await createDatabase({ url, schema, migrations: auditMigrations });
  const log = createAuditLog({ database, maxBatch: 7 });
  try {
    await Promise.all(
      Array.from({ length: Number(count) }, (_, n) => log.append({ kind: 'query', subject: tag, operationName: `${tag}-${n}`, outcome: 'ok' })),
    );
  } finally {
    await log.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
