import type { PGlite } from '@electric-sql/pglite';
import { type AuditLog, MAX_AUDIT_JSON_DEPTH, createAuditLog, measureJson } from '../../audit';
import { createEmbeddedPostgres } from '../../storage/createDatabase';
import { deeplyNestedJson } from '../support/hostileInput';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type AuditTestDatabase, openAuditDatabase } from './openAuditDatabase';

describe('measureJson', () => {
  it('measures 10,000 levels without recursion and stops at the first bound', () => {
    const deep = JSON.parse(deeplyNestedJson(10_000)) as unknown;
    expect(measureJson(deep, { maxDepth: 20_000 })).toEqual({ depth: 10_000, values: 10_001, textLength: 0, exceeded: false });
    expect(measureJson(deep, { maxDepth: 64 })).toMatchObject({ depth: 65, exceeded: true });
    expect(measureJson({ a: 'xy', b: [1, { c: 'z' }] }, { maxDepth: 5 })).toEqual({ depth: 3, values: 6, textLength: 6, exceeded: false });
    expect(measureJson(Array(100).fill(0), { maxDepth: 5, maxValues: 10 }).exceeded).toBe(true);
  });
});

describe.each(STORAGE_TARGETS)('audit records are bounded, on $name', (target) => {
  let embedded: PGlite | undefined;
  let store: AuditTestDatabase;
  let log: AuditLog;
  beforeAll(async () => {
    if (!target.databaseUrl) embedded = await createEmbeddedPostgres();
    store = await openAuditDatabase(target, embedded);
    log = createAuditLog({ database: store.db });
  });
  afterAll(async () => {
    await log?.close();
    await store?.close();
    await embedded?.close();
  });

  it('refuses JSON nested deeper than the bound with a clear error, not a stack overflow, and the chain goes on', async () => {
    const deep = JSON.parse(deeplyNestedJson(5000)) as unknown;
    await expect(log.append({ kind: 'query', outcome: 'ok', variables: { junk: deep } })).rejects.toThrow(new TypeError(`audit record: JSON nests 65+ levels deep; at most ${MAX_AUDIT_JSON_DEPTH} are kept`));
    await expect(log.append({ kind: 'query', outcome: 'ok', details: { junk: JSON.parse(deeplyNestedJson(MAX_AUDIT_JSON_DEPTH + 1)) as unknown } })).rejects.toThrow(TypeError);
    const kept = await log.append({ kind: 'query', outcome: 'ok', variables: { ok: JSON.parse(deeplyNestedJson(MAX_AUDIT_JSON_DEPTH - 1)) as unknown } });
    expect(kept.seq).toBe(1);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 1 });
  });

  it('shares one walk of the chain between concurrent callers', async () => {
    const [a, b] = [log.verify(), log.verify()];
    expect(a).toBe(b);
    await expect(a).resolves.toMatchObject({ ok: true });
    // Once it ended, the next caller walks again.
    const next = log.verify();
    expect(next).not.toBe(a);
    await next;
  });
});
