import { type AuditLog, type AuditRecord, GENESIS_HASH, createAuditLog, hashAuditRecord } from '../../audit';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { createEmbeddedPostgres } from '../../storage/createDatabase';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type AuditTestDatabase, openAuditDatabase } from './openAuditDatabase';

const DAY_MS = 86_400_000;

/** A clock the test moves by hand. */
function manualClock(start: Date): { now: () => Date; set(at: Date): void } {
  let current = start;
  return { now: () => current, set: (at) => void (current = at) };
}

const query = (n: number, extra: Partial<Parameters<AuditLog['append']>[0]> = {}) => ({
  kind: 'query' as const,
  subject: `user-${n % 3}`,
  roles: ['operator'],
  clientId: 'console',
  operationName: `Op${n}`,
  documentHash: 'ab'.repeat(32),
  variables: { id: `inc-${n}`, callbackNumber: '[REDACTED]' },
  restrictedFields: ['Call.callbackNumber'],
  recordIds: [`Incident:inc-${n}`, `Call:call-${n}`],
  outcome: 'ok' as const,
  purpose: `CASE-${n % 2}`,
  ...extra,
});

describe.each(STORAGE_TARGETS)('audit log on $name', (target) => {
  let store: AuditTestDatabase;
  let log: AuditLog;
  const clock = manualClock(new Date());
  let embedded: PGlite | undefined;

  beforeAll(async () => {
    if (!target.databaseUrl) embedded = await createEmbeddedPostgres();
  });
  afterAll(async () => {
    await embedded?.close();
  });

  beforeEach(async () => {
    store = await openAuditDatabase(target, embedded);
    clock.set(new Date());
    log = createAuditLog({ database: store.db, clock: clock.now });
  });

  afterEach(async () => {
    await log.close();
    await store.close();
  });

  it('chains every record to the one before and verifies the chain', async () => {
    const first = await log.append(query(1));
    const second = await log.append(query(2, { outcome: 'denied', reason: 'FORBIDDEN' }));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, kind: 'query', purpose: 'CASE-1' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, outcome: 'denied', reason: 'FORBIDDEN' });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    await expect(log.verify()).resolves.toEqual({
      ok: true,
      checkedRecords: 2,
      firstSeq: 1,
      lastSeq: 2,
      anchor: null,
      firstBrokenLink: null,
    });
  });

  it('stores what it hashed: awkward values survive the round trip through storage', async () => {
    const written = await log.append({
      kind: 'dissemination',
      subject: 'partner\u0000svc',
      outcome: 'ok',
      disseminatedTo: 'Mesa Fire and Medical',
      purpose: 'INC-2026-0042',
      variables: { nested: { list: [1, 2.5, -0, 1e21, null, 'ünïcødé 🚓', '\uD800'] }, b: true, z: undefined, a: Number.NaN },
      details: { when: new Date(0) },
    });
    expect(written.subject).toBe('partner\uFFFDsvc');
    expect(written.variables).toEqual({ nested: { list: [1, 2.5, 0, 1e21, null, 'ünïcødé 🚓', '\uFFFD'] }, b: true, a: null });
    const [stored] = (await log.list({}, 1)).edges;
    expect(stored?.node).toEqual(written);
    expect(hashAuditRecord(stored?.node as AuditRecord)).toBe(written.hash);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 1 });
  });

  it('refuses records it cannot vouch for', async () => {
    await expect(log.append({ kind: 'peek' as 'query', outcome: 'ok' })).rejects.toThrow(/unknown kind "peek"/);
    await expect(log.append({ kind: 'query', outcome: 'maybe' as 'ok' })).rejects.toThrow(/unknown outcome/);
    await expect(log.append({ kind: 'dissemination', outcome: 'ok' })).rejects.toThrow(/disseminatedTo/);
    await expect(log.append({ kind: 'query', outcome: 'ok', roles: [1] as unknown as string[] })).rejects.toThrow(/roles/);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 0, lastSeq: null });
  });

  it('lets auditors filter by time, user, kind, purpose, outcome and record returned, one keyset page at a time', async () => {
    const start = Date.now() - 10 * DAY_MS;
    for (let n = 0; n < 12; n++) {
      clock.set(new Date(start + n * DAY_MS));
      await log.append(n === 11 ? { kind: 'logon-failed', subject: 'user-2', outcome: 'denied', reason: 'bad password' } : query(n));
    }
    const ids = async (filter: Parameters<AuditLog['list']>[0]) => (await log.list(filter, 100)).edges.map((edge) => edge.node.seq);
    expect(await ids({})).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(await ids({ subject: 'user-1' })).toEqual([11, 8, 5, 2]);
    expect(await ids({ kinds: ['logon-failed'] })).toEqual([12]);
    expect(await ids({ purpose: 'CASE-0', subject: 'user-0' })).toEqual([7, 1]);
    expect(await ids({ recordId: 'Incident:inc-4' })).toEqual([5]);
    expect(await ids({ outcome: 'denied' })).toEqual([12]);
    expect(await ids({ from: new Date(start + 3 * DAY_MS), to: new Date(start + 6 * DAY_MS) })).toEqual([6, 5, 4]);

    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<AuditLog['list']>> = await log.list({}, 5, after);
      seen.push(...page.edges.map((edge) => edge.node.seq));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    await expect(log.byId('3')).resolves.toMatchObject({ seq: 3, operationName: 'Op2' });
    await expect(log.byId('x')).resolves.toBeNull();
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit records through the application connection', async () => {
    await log.append(query(1));
    await log.append(query(2));
    const records = () => store.db.table('audit_records');
    await expect(records().where('seq', 1).update({ purpose: 'CASE-9' })).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(records().where('seq', 2).delete()).rejects.toThrow(/append-only: DELETE refused/);
    await expect(store.db.knex.raw(`TRUNCATE "${store.db.schema}".audit_records`)).rejects.toThrow(/TRUNCATE refused/);
    await expect(store.db.table('chain_head').update({ last_seq: 0 })).rejects.toThrow(/only moves forward/);
    await expect(store.db.table('chain_head').delete()).rejects.toThrow(/only moves forward/);
    // The purge path's setting alone opens nothing: it needs an anchor with a cutoff a year back.
    await expect(
      store.db.knex.transaction(async (trx) => {
        await trx.raw(`SELECT set_config('rtcc_audit.purge_through_seq', '2', true)`);
        await trx.withSchema(store.db.schema).table('audit_records').delete();
      }),
    ).rejects.toThrow(/append-only: DELETE refused/);
    await expect(
      store.db.knex.raw(`SELECT "${store.db.schema}".purge_chain_prefix(1, now(), 2)`),
    ).rejects.toThrow(/kept at least 365 days/);
    expect((await log.list({}, 10)).edges.map((edge) => edge.node.purpose)).toEqual(['CASE-0', 'CASE-1']);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 2 });
  });

  describe('detects tampering and reports the first broken link', () => {
    let records: AuditRecord[];
    beforeEach(async () => {
      records = [];
      for (let n = 1; n <= 6; n++) records.push(await log.append(query(n)));
    });
    const at = (seq: number) => records[seq - 1] as AuditRecord;

    it('a changed record', async () => {
      await store.tamper(`UPDATE $schema.audit_records SET purpose = 'CASE-covered-up' WHERE seq = 3`);
      await store.tamper(`UPDATE $schema.audit_records SET subject = 'someone-else' WHERE seq = 5`);
      const report = await log.verify();
      expect(report).toMatchObject({ ok: false, checkedRecords: 2, lastSeq: 2 });
      expect(report.firstBrokenLink).toMatchObject({
        problem: 'hash-mismatch',
        seq: 3,
        recordedAt: at(3).recordedAt,
        foundHash: at(3).hash,
      });
      expect(report.firstBrokenLink?.expectedHash).toMatch(/^[0-9a-f]{64}$/);
      expect(report.firstBrokenLink?.expectedHash).not.toBe(at(3).hash);
    });

    it('a changed record whose hash was recomputed', async () => {
      const forged = { ...at(3), purpose: 'CASE-covered-up' };
      const forgedHash = hashAuditRecord(forged);
      await store.tamper(`UPDATE $schema.audit_records SET purpose = 'CASE-covered-up', hash = '${forgedHash}' WHERE seq = 3`);
      expect((await log.verify()).firstBrokenLink).toMatchObject({
        problem: 'previous-hash-mismatch',
        seq: 4,
        expectedHash: forgedHash,
        foundHash: at(3).hash,
      });
    });

    it('a record removed from the middle', async () => {
      await store.tamper(`DELETE FROM $schema.audit_records WHERE seq = 4`);
      expect((await log.verify()).firstBrokenLink).toMatchObject({ problem: 'sequence-gap', seq: 5, expectedHash: at(3).hash, foundHash: at(4).hash });
    });

    it('records removed from the end', async () => {
      await store.tamper(`DELETE FROM $schema.audit_records WHERE seq >= 5`);
      expect((await log.verify()).firstBrokenLink).toMatchObject({ problem: 'head-mismatch', seq: 6, expectedHash: at(6).hash, foundHash: at(4).hash });
    });

    it('a forged record inserted beyond the chain head', async () => {
      const forged = { ...at(6), seq: 7, prevHash: at(6).hash, operationName: 'Forged' };
      const hash = hashAuditRecord(forged);
      await store.db.knex.raw(
        `INSERT INTO "${store.db.schema}".audit_records
           (seq, recorded_at, kind, roles, restricted_fields, record_ids, outcome, prev_hash, hash, operation_name)
         SELECT 7, recorded_at, kind, roles, restricted_fields, record_ids, outcome, ?, ?, 'Forged' FROM "${store.db.schema}".audit_records WHERE seq = 6`,
        [at(6).hash, hash],
      );
      expect((await log.verify()).firstBrokenLink).toMatchObject({ problem: 'head-mismatch', seq: 7 });
    });

    it('a forged purge anchor', async () => {
      await store.db.table('purge_anchors').insert({
        through_seq: 2,
        through_hash: at(2).hash,
        cutoff: new Date(Date.now() - 400 * DAY_MS),
        purge_record_seq: 5,
        deleted: 2,
        purged_at: new Date(),
      });
      expect((await log.verify()).firstBrokenLink).toMatchObject({ problem: 'unlinked-record', seq: 1 });
      await store.tamper(`DELETE FROM $schema.audit_records WHERE seq <= 2`);
      expect((await log.verify()).firstBrokenLink).toMatchObject({ problem: 'anchor-unconfirmed', seq: 2, expectedHash: at(2).hash });
    });
  });

  it('keeps one linear chain when appends race, from one log and from another connection', async () => {
    const other = createAuditLog({ database: await store.openAnother() });
    try {
      const written = await Promise.all(
        Array.from({ length: 120 }, (_, n) => (n % 2 === 0 ? log : other).append(query(n, { operationName: `Race${n}` }))),
      );
      const seqs = written.map((record) => record.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 120 }, (_, n) => n + 1));
      const report = await other.verify();
      expect(report).toMatchObject({ ok: true, checkedRecords: 120, lastSeq: 120 });
    } finally {
      await other.close();
    }
  });

  it('chains again from the new head when another process appended since (compare-and-set miss)', async () => {
    const other = createAuditLog({ database: await store.openAnother() });
    try {
      const first = await log.append(query(1));
      const second = await other.append(query(2));
      const third = await log.append(query(3));
      expect([first.seq, second.seq, third.seq]).toEqual([1, 2, 3]);
      expect(third.prevHash).toBe(second.hash);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 3 });
    } finally {
      await other.close();
    }
  });

  (target.databaseUrl ? it : it.skip)('keeps one linear chain when two other processes append at the same time (PostgreSQL)', async () => {
    const child = (tag: string) =>
      new Promise<number | null>((resolve, reject) => {
        const proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'appendFromProcess.ts')], {
          env: { ...process.env, DATABASE_URL: target.databaseUrl, AUDIT_SCHEMA: store.db.schema, AUDIT_COUNT: '150', AUDIT_TAG: tag },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        proc.on('error', reject);
        proc.on('exit', resolve);
      });
    const [a, b] = await Promise.all([
      child('process-a'),
      child('process-b'),
      Promise.all(Array.from({ length: 150 }, (_, n) => log.append(query(n)))),
    ]);
    expect([a, b]).toEqual([0, 0]);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 450, firstSeq: 1, lastSeq: 450 });
    const bySubject = async (subject: string) => (await log.list({ subject }, 100)).edges.length;
    expect([await bySubject('process-a'), await bySubject('process-b')]).toEqual([100, 100]);
  });

  it('purges expired records through its narrow path, leaving an anchor the remaining chain verifies from', async () => {
    const realNow = Date.now();
    for (let n = 1; n <= 5; n++) {
      clock.set(new Date(realNow - (500 - n) * DAY_MS));
      await log.append(query(n));
    }
    clock.set(new Date(realNow - 10 * DAY_MS));
    const kept = await log.append(query(6));
    clock.set(new Date(realNow));

    // A cutoff younger than a year is brought back to a year: nothing young is purged.
    const early = await log.purgeBefore(new Date(realNow - 5 * DAY_MS), { subject: 'retention-job' });
    expect(early.deleted).toBe(5);
    expect(early.cutoff.getTime()).toBeLessThanOrEqual(realNow - 365 * DAY_MS + 60_000);
    expect(early.purgeRecord).toMatchObject({
      kind: 'purge',
      subject: 'retention-job',
      details: { dataClass: 'audit-records', deleted: 5, throughSeq: 5 },
    });
    expect(early.anchor).toMatchObject({ throughSeq: 5, purgeRecordSeq: 7 });

    const remaining = (await log.list({}, 100)).edges.map((edge) => edge.node.seq);
    expect(remaining).toEqual([7, 6]);
    expect(kept.prevHash).toBe(early.anchor?.throughHash);
    const report = await log.verify();
    expect(report).toMatchObject({ ok: true, checkedRecords: 2, firstSeq: 6, lastSeq: 7, anchor: { throughSeq: 5 } });

    // Nothing more has expired: a purge record says so and no anchor moves.
    const again = await log.purgeBefore(new Date(realNow - 365 * DAY_MS));
    expect(again).toMatchObject({ deleted: 0, anchor: null, purgeRecord: { seq: 8, details: { deleted: 0 } } });
    await expect(log.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 3, anchor: { throughSeq: 5 } });
    await expect(store.db.table('purge_anchors').delete()).rejects.toThrow(/refused/);
  });
});
