import type { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { createAuditLog } from '../../audit';
import { readHubConfig } from '../../config/hubConfig';
import { type PurgeReport, createIntelligenceHolds, planRetention, startRetention } from '../../retention';
import { createEmbeddedPostgres } from '../../storage/createDatabase';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type HubSchemas, openHubSchemas } from './openHubSchemas';

const DAY_MS = 86_400_000;

describe.each(STORAGE_TARGETS)('intelligence holds and the hub retention on $name', (target) => {
  let embedded: PGlite | undefined;
  let hub: HubSchemas;

  beforeAll(async () => {
    if (!target.databaseUrl) embedded = await createEmbeddedPostgres();
  });
  afterAll(async () => {
    await embedded?.close();
  });
  beforeEach(async () => {
    hub = await openHubSchemas(target, embedded);
  });
  afterEach(async () => {
    await hub.close();
  });

  it('holds a record until its review date, re-validates it for a new period, and releases it', async () => {
    let now = new Date('2026-01-01T00:00:00.000Z');
    const holds = createIntelligenceHolds({ database: hub.db.retention, reviewDays: 1825, clock: () => now });
    const held = await holds.hold({ recordType: 'incident', recordId: 'inc-1', heldBy: 'analyst-1', justification: 'narcotics network' });
    expect(held).toEqual({
      recordType: 'incident',
      recordId: 'inc-1',
      heldSince: now,
      reviewDue: new Date(now.getTime() + 1825 * DAY_MS),
      revalidatedAt: null,
      heldBy: 'analyst-1',
      justification: 'narcotics network',
    });
    now = new Date('2027-01-01T00:00:00.000Z');
    // Holding again changes nothing: the review date still counts from the first hold.
    await expect(holds.hold({ recordType: 'incident', recordId: 'inc-1', heldBy: 'analyst-2', justification: 'again' })).resolves.toEqual(held);
    const revalidated = await holds.revalidate('incident', 'inc-1');
    expect(revalidated).toMatchObject({ heldSince: held.heldSince, revalidatedAt: now, reviewDue: new Date(now.getTime() + 1825 * DAY_MS) });
    await expect(holds.revalidate('incident', 'inc-unknown')).resolves.toBeNull();
    await expect(holds.dueBy(new Date('2031-12-30T23:59:59.999Z'))).resolves.toEqual([]);
    await expect(holds.dueBy(new Date('2031-12-31T00:00:00.000Z'))).resolves.toEqual([revalidated]);
    await expect(holds.release('incident', 'inc-1')).resolves.toBe(true);
    await expect(holds.release('incident', 'inc-1')).resolves.toBe(false);
    await expect(holds.byRecord('incident', 'inc-1')).resolves.toBeNull();
    await expect(holds.hold({ recordType: 'camera' as 'call', recordId: 'c', heldBy: 'a', justification: 'j' })).rejects.toThrow(/cannot be held/);
    await expect(holds.hold({ recordType: 'call', recordId: 'c', heldBy: 'a', justification: ' ' })).rejects.toThrow(/why/);
  });

  it('startRetention runs the purge with the hub settings at start and stops cleanly', async () => {
    const config = readHubConfig({
      DATABASE_SCHEMA_PREFIX: hub.prefix,
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
      RETENTION_DEAD_LETTERS_DAYS: '7',
    });
    await hub.db.ingest.table('dead_letters').insert({
      source: 'eido-http',
      stage: 'ADAPTER',
      reason: 'malformed-xml',
      detail: 'x',
      raw: '<x',
      received_at: new Date(Date.now() - 8 * DAY_MS),
    });
    const auditLog = createAuditLog({ database: hub.db.audit });
    const participants = hub.participants();
    // Each owner's class takes its retention from the setting it declares.
    const plan = planRetention([...participants, auditLog.retention], config);
    expect(plan.classes.map(({ dataClass, retentionDays }) => [dataClass.name, `${dataClass.schema}.${dataClass.table}`, retentionDays])).toEqual([
      ['avl-positions', `${hub.prefix}avl.unit_positions`, 90],
      ['calls', `${hub.prefix}calls.calls`, 365],
      ['incidents', `${hub.prefix}cad.incidents`, 365],
      ['dead-letters', `${hub.prefix}ingest.dead_letters`, 7],
      ['audit-records', `${hub.prefix}audit.audit_records`, 365],
    ]);
    let ran!: (report: PurgeReport) => void;
    const firstRun = new Promise<PurgeReport>((resolve) => (ran = resolve));
    const retention = await startRetention({ config, embedded, auditLog, logger: pino({ level: 'silent' }), onRun: (report) => ran(report), participants });
    try {
      const report = await firstRun;
      expect(report.classes.find((purge) => purge.dataClass === 'dead-letters')).toMatchObject({ deleted: 1, error: null });
      expect(report.classes.every((purge) => purge.error === null)).toBe(true);
      await expect(retention.holds.byRecord('call', 'none')).resolves.toBeNull();
    } finally {
      await retention.stop();
      await auditLog.close();
    }
    // No hold was due (a done record only); the four other classes announced and recorded their purge; the audit trail's own.
    await expect(auditLog.verify()).resolves.toMatchObject({ ok: true, checkedRecords: 1 + 4 * 2 + 1 });
  });
});
