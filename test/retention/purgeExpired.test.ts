import type { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { type AuditLog, createAuditLog } from '../../audit';
import {
  type ClassPurge,
  type PurgeReport,
  createIntelligenceHolds,
  createRetentionJob,
  scheduleRetention,
} from '../../retention';
import { createEmbeddedPostgres } from '../../storage/createDatabase';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type HubSchemas, RETENTION_DAYS, openHubSchemas } from './openHubSchemas';

const DAY_MS = 86_400_000;

describe.each(STORAGE_TARGETS)('retention purge on $name', (target) => {
  let embedded: PGlite | undefined;
  let hub: HubSchemas;
  let auditLog: AuditLog;
  /** The audit floor (a year) is checked against the database's clock, so the tests purge at the real time. */
  let now: Date;
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  let auditClock: () => Date;

  beforeAll(async () => {
    if (!target.databaseUrl) embedded = await createEmbeddedPostgres();
  });
  afterAll(async () => {
    await embedded?.close();
  });

  beforeEach(async () => {
    now = new Date();
    hub = await openHubSchemas(target, embedded);
    auditClock = () => now;
    auditLog = createAuditLog({ database: hub.db.audit, clock: () => auditClock() });
  });
  afterEach(async () => {
    await auditLog.close();
    await hub.close();
  });

  const ids = async (schema: keyof HubSchemas['db'], table: string, column = 'id') =>
    ((await hub.db[schema].table(table).select(column).orderBy(column)) as Record<string, unknown>[]).map((row) => String(row[column]));

  async function seed(): Promise<void> {
    const { db } = hub;
    await db.avl.table('unit_positions').insert([
      { unit_id: 'u-old', lat: 33.4, lon: -111.8, fix_at: daysAgo(91) },
      { unit_id: 'u-new', lat: 33.4, lon: -111.8, fix_at: daysAgo(89) },
    ]);
    const call = (id: string, updated: Date) => ({ id, state: 'ENDED', received_at: updated, updated_at: updated, callback_number: '+14805550100' });
    await db.calls.table('calls').insert([call('call-old', daysAgo(400)), call('call-new', daysAgo(10)), call('call-held', daysAgo(400))]);
    const incident = (id: string, updated: Date) => ({
      id,
      number: id.toUpperCase(),
      type_code: 'ASLT',
      type_text: 'Assault',
      priority: 2,
      status: 'CLOSED',
      lat: 33.4,
      lon: -111.8,
      reported_at: updated,
      updated_at: updated,
    });
    await db.cad.table('incidents').insert([
      incident('inc-old', daysAgo(366)),
      incident('inc-new', daysAgo(10)),
      incident('inc-intel-expired', daysAgo(10)),
      incident('inc-intel-revalidated', daysAgo(2000)),
    ]);
    await db.cad.table('incident_calls').insert([
      { incident_id: 'inc-old', call_id: 'call-new' },
      { incident_id: 'inc-new', call_id: 'call-old' },
      { incident_id: 'inc-new', call_id: 'call-new' },
    ]);
    const letter = (received: Date) => ({ source: 'nmea-udp', stage: 'ADAPTER', reason: 'bad-checksum', detail: 'x', raw: '$GPRMC', received_at: received });
    await db.ingest.table('dead_letters').insert([letter(daysAgo(31)), letter(daysAgo(29))]);

    // Held as criminal intelligence: one held long ago and never re-validated, one re-validated, one recent.
    let holdClock = daysAgo(1900);
    const holds = createIntelligenceHolds({ database: db.retention, reviewDays: 1825, clock: () => holdClock });
    await holds.hold({ recordType: 'incident', recordId: 'inc-intel-expired', heldBy: 'analyst-1', justification: 'narcotics network' });
    await holds.hold({ recordType: 'incident', recordId: 'inc-intel-revalidated', heldBy: 'analyst-1', justification: 'fraud ring' });
    holdClock = daysAgo(100);
    await holds.revalidate('incident', 'inc-intel-revalidated');
    await holds.hold({ recordType: 'call', recordId: 'call-held', heldBy: 'analyst-2', justification: 'threat call' });

    auditClock = () => daysAgo(400);
    await auditLog.append({ kind: 'query', subject: 'op-1', outcome: 'ok', recordIds: ['Call:call-old'] });
    await auditLog.append({ kind: 'logon', subject: 'op-1', outcome: 'ok' });
    auditClock = () => daysAgo(300);
    await auditLog.append({ kind: 'query', subject: 'op-2', outcome: 'ok' });
    auditClock = () => now;
  }

  const byClass = (report: PurgeReport) => Object.fromEntries(report.classes.map((purge) => [purge.dataClass, purge])) as Record<string, ClassPurge>;

  it('deletes only what has expired in each class, spares held intelligence, purges intelligence past review, and audits each class', async () => {
    await seed();
    const job = createRetentionJob({ database: hub.db.retention, auditLog, retentionDays: RETENTION_DAYS, batchSize: 1, participants: hub.participants() });
    const report = await job.purgeExpired({ now });

    expect(await ids('avl', 'unit_positions', 'unit_id')).toEqual(['u-new']);
    expect(await ids('calls', 'calls')).toEqual(['call-held', 'call-new']);
    expect(await ids('cad', 'incidents')).toEqual(['inc-intel-revalidated', 'inc-new']);
    expect(await hub.db.cad.table('incident_calls').select('incident_id', 'call_id')).toEqual([{ incident_id: 'inc-new', call_id: 'call-new' }]);
    expect((await hub.db.ingest.table('dead_letters').select('received_at')).map((row: { received_at: Date }) => row.received_at)).toEqual([daysAgo(29)]);
    expect(await ids('retention', 'intelligence_holds', 'record_id')).toEqual(['call-held', 'inc-intel-revalidated']);

    const purges = byClass(report);
    expect(Object.keys(purges)).toEqual(['criminal-intelligence', 'avl-positions', 'calls', 'incidents', 'dead-letters', 'audit-records']);
    expect(purges['criminal-intelligence']).toMatchObject({ deleted: 1, error: null, dependentsDeleted: {} });
    expect(purges['avl-positions']).toMatchObject({ deleted: 1, cutoff: daysAgo(90) });
    expect(purges.calls).toMatchObject({ deleted: 1, cutoff: daysAgo(365), dependentsDeleted: { [`${hub.prefix}cad.incident_calls`]: 1 } });
    expect(purges.incidents).toMatchObject({ deleted: 1, dependentsDeleted: { [`${hub.prefix}cad.incident_calls`]: 1 } });
    expect(purges['dead-letters']).toMatchObject({ deleted: 1, cutoff: daysAgo(30) });
    expect(purges['audit-records']).toMatchObject({ deleted: 2, error: null });

    // Per class, a purge record announces the purge before anything is deleted, and one after it
    // gives the counts; the audit log's own (written before its cut) names its anchor.
    const records = (await auditLog.list({ kinds: ['purge'] }, 100)).edges.map((edge) => edge.node).reverse();
    const stageOf = (record: (typeof records)[number]) => {
      const details = record.details as { dataClass: string; stage?: string };
      return `${details.dataClass} ${details.stage ?? '-'}`;
    };
    expect(records.map(stageOf)).toEqual([
      'criminal-intelligence announced',
      'criminal-intelligence done',
      'avl-positions announced',
      'avl-positions done',
      'calls announced',
      'calls done',
      'incidents announced',
      'incidents done',
      'dead-letters announced',
      'dead-letters done',
      'audit-records -',
    ]);
    const done = records.filter((record) => (record.details as { stage?: string }).stage !== 'announced');
    expect(done.map((record) => record.seq)).toEqual(report.classes.map((purge) => purge.auditRecordSeq));
    expect(report.classes.map((purge) => purge.announcedBySeq)).toEqual([...records.filter((record) => stageOf(record).endsWith('announced')).map((record) => record.seq), null]);
    // The intelligence purge names the records it will take before it takes them.
    expect(records[0]).toMatchObject({ subject: 'system:retention', outcome: 'ok', recordIds: ['incident:inc-intel-expired'], details: { cutoff: now.toISOString() } });
    expect(records[1]).toMatchObject({
      subject: 'system:retention',
      outcome: 'ok',
      recordIds: ['incident:inc-intel-expired'],
      details: { cutoff: now.toISOString(), deleted: 1, holdsEnded: 1, announcedBySeq: records[0]!.seq },
    });
    expect(records[4]?.details).toEqual({
      dataClass: 'calls',
      stage: 'announced',
      table: `${hub.prefix}calls.calls`,
      retentionDays: 365,
      cutoff: daysAgo(365).toISOString(),
    });
    expect(records[5]?.details).toEqual({
      dataClass: 'calls',
      stage: 'done',
      table: `${hub.prefix}calls.calls`,
      retentionDays: 365,
      cutoff: daysAgo(365).toISOString(),
      deleted: 1,
      dependentsDeleted: { [`${hub.prefix}cad.incident_calls`]: 1 },
      announcedBySeq: records[4]!.seq,
    });
    expect(records[10]?.details).toMatchObject({ dataClass: 'audit-records', deleted: 2, throughSeq: 2, retentionDays: 365 });

    // The two expired audit records are gone; the chain of the rest still verifies from the anchor.
    expect((await auditLog.list({ subject: 'op-1' }, 10)).edges).toEqual([]);
    expect((await auditLog.list({ subject: 'op-2' }, 10)).edges).toHaveLength(1);
    await expect(auditLog.verify()).resolves.toMatchObject({ ok: true, firstSeq: 3, anchor: { throughSeq: 2 } });

    // Nothing left to purge: the next run deletes nothing and says so.
    const again = await job.purgeExpired({ now: new Date(now.getTime() + 1000) });
    expect(again.classes.map((purge) => [purge.dataClass, purge.deleted, purge.error])).toEqual([
      ['criminal-intelligence', 0, null],
      ['avl-positions', 0, null],
      ['calls', 0, null],
      ['incidents', 0, null],
      ['dead-letters', 0, null],
      ['audit-records', 0, null],
    ]);
    await expect(auditLog.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 22 });
  });

  it('records a class it could not purge as an error and goes on with the others', async () => {
    await hub.db.ingest.knex.raw(`DROP TABLE "${hub.prefix}ingest".dead_letters`);
    const job = createRetentionJob({ database: hub.db.retention, auditLog, retentionDays: RETENTION_DAYS, participants: hub.participants() });
    const purges = byClass(await job.purgeExpired({ now }));
    expect(purges['dead-letters']?.error).toMatch(/dead_letters/);
    expect(purges.calls?.error).toBeNull();
    const [failure] = (await auditLog.list({ kinds: ['purge'], outcome: 'error' }, 10)).edges;
    expect(failure?.node).toMatchObject({ outcome: 'error', details: { dataClass: 'dead-letters', deleted: 0 } });
    expect(failure?.node.reason).toMatch(/dead_letters/);
  });

  it('deletes nothing by table itself: the classes of owners that take no part, and rows that only they delete, stay', async () => {
    await seed();
    // Neither CAD nor the dead-letter store takes part: incidents, CAD's links to calls and dead letters are theirs.
    const job = createRetentionJob({ database: hub.db.retention, auditLog, retentionDays: RETENTION_DAYS, participants: hub.participants(['avl', 'calls']) });
    const purges = byClass(await job.purgeExpired({ now }));
    expect(Object.keys(purges)).toEqual(['criminal-intelligence', 'avl-positions', 'calls', 'audit-records']);
    expect(purges.calls).toMatchObject({ deleted: 1, error: null });
    expect(purges.calls?.dependentsDeleted).toEqual({});
    expect(await ids('calls', 'calls')).toEqual(['call-held', 'call-new']);
    expect(await ids('cad', 'incidents')).toEqual(['inc-intel-expired', 'inc-intel-revalidated', 'inc-new', 'inc-old']);
    expect(await hub.db.cad.table('incident_calls').select('call_id')).toHaveLength(3);
    expect(await hub.db.ingest.table('dead_letters').select('id')).toHaveLength(2);
    // An incident whose hold expired has no owner here to purge it: the hold stays, and the purge record says why.
    expect(purges['criminal-intelligence']).toMatchObject({ deleted: 0, error: expect.stringMatching(/incident/) });
    expect(await ids('retention', 'intelligence_holds', 'record_id')).toEqual(['call-held', 'inc-intel-expired', 'inc-intel-revalidated']);
  });

  it('deletes nothing when it cannot announce the purge (no record, no operation), and stops the run there', async () => {
    await seed();
    const job = createRetentionJob({ database: hub.db.retention, auditLog, retentionDays: RETENTION_DAYS, participants: hub.participants() });
    await auditLog.close();
    await expect(job.purgeExpired({ now })).rejects.toThrow(/audit log is closed/);
    // The announcement comes before the purge: the incident whose hold expired is still there,
    // its hold too, and no class after it was asked to purge.
    expect(await ids('cad', 'incidents')).toEqual(['inc-intel-expired', 'inc-intel-revalidated', 'inc-new', 'inc-old']);
    expect(await ids('retention', 'intelligence_holds', 'record_id')).toEqual(['call-held', 'inc-intel-expired', 'inc-intel-revalidated']);
    expect(await ids('avl', 'unit_positions', 'unit_id')).toEqual(['u-new', 'u-old']);
    expect(await ids('calls', 'calls')).toEqual(['call-held', 'call-new', 'call-old']);
    expect(await hub.db.ingest.table('dead_letters').select('id')).toHaveLength(2);
  });

  it('runs on a schedule: once at start, then until stopped', async () => {
    await seed();
    const job = createRetentionJob({ database: hub.db.retention, auditLog, retentionDays: RETENTION_DAYS, participants: hub.participants() });
    const reports: PurgeReport[] = [];
    let firstRun!: () => void;
    const ran = new Promise<void>((resolve) => (firstRun = resolve));
    const schedule = scheduleRetention({
      job,
      intervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
      clock: () => now,
      onRun: (report) => {
        reports.push(report);
        firstRun();
      },
    });
    await ran;
    await schedule.stop();
    expect(reports).toHaveLength(1);
    expect(byClass(reports[0] as PurgeReport)['avl-positions']?.deleted).toBe(1);
  });
});

describe('intelligence holds', () => {
  it('refuse a review period longer than five years (28 CFR 23.20(h))', () => {
    expect(() => createIntelligenceHolds({ database: {} as never, reviewDays: 1826 })).toThrow(/1825/);
  });
});
