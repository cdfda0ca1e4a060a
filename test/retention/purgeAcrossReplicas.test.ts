import type { PGlite } from '@electric-sql/pglite';
import { type AuditLog, createAuditLog } from '../../audit';
import type { DomainEvent } from '../../contract';
import { createRetentionJob } from '../../retention';
import { createEmbeddedPostgres } from '../../storage/createDatabase';
import { createAvlStore } from '../../subgraphs/avl/createAvlStore';
import { createCadStore } from '../../subgraphs/cad/createCadStore';
import { createCallsStore } from '../../subgraphs/calls/createCallsStore';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type HubSchemas, RETENTION_DAYS, openHubSchemas } from './openHubSchemas';

// Every replica runs the retention job over the same tables. The first to run deletes the
// rows; the others find none, yet each must drop its own in-memory copies (the AVL kd-tree,
// CAD's memory of where units were last seen): their owners drop copies by age, not by the
// rows they deleted themselves.

const DAY_MS = 86_400_000;
const POINT = { lat: 33.4152, lon: -111.8315 };
describe.each(STORAGE_TARGETS)('retention with two replicas on $name', (target) => {
  let embedded: PGlite | undefined;
  let hub: HubSchemas;
  let auditLog: AuditLog;

  beforeAll(async () => {
    if (!target.databaseUrl) embedded = await createEmbeddedPostgres();
  });
  afterAll(async () => {
    await embedded?.close();
  });
  beforeEach(async () => {
    hub = await openHubSchemas(target, embedded);
    auditLog = createAuditLog({ database: hub.db.audit });
  });
  afterEach(async () => {
    await auditLog.close();
    await hub.close();
  });

  /** One replica's owners of positions, calls and incidents, over the shared schemas. */
  const replica = () => {
    const avl = createAvlStore(hub.db.avl);
    const cad = createCadStore(hub.db.cad);
    const participants = [avl.retention, createCallsStore(hub.db.calls).retention, cad.retention];
    const job = createRetentionJob({ database: hub.db.retention, auditLog, retentionDays: RETENTION_DAYS, participants });
    return { avl, cad, job };
  };

  it('a replica whose job deletes no row still drops the expired positions it holds in memory', async () => {
    const now = new Date();
    const fix = (unitId: string, fixAt: Date): DomainEvent => ({
      type: 'position.fix',
      eventId: `fix-${unitId}`,
      source: 'retention-test',
      occurredAt: fixAt.toISOString(),
      unitId,
      point: POINT,
      headingDegrees: null,
      speedKph: null,
      fixAt: fixAt.toISOString(),
    });
    const events = [fix('unit-old', new Date(now.getTime() - 91 * DAY_MS)), fix('unit-new', new Date(now.getTime() - DAY_MS))];
    const first = replica();
    const second = replica();
    for (const { avl, cad } of [first, second]) {
      for (const event of events) {
        await avl.apply(event);
        await cad.apply(event);
      }
    }
    // Both have written their fixes behind (within 100 ms, long before any fix expires).
    await first.avl.flush();
    await second.avl.flush();
    const near = (avl: typeof first.avl) => avl.nearestUnits({ point: POINT, radiusMeters: 500, limit: 10 }).map((hit) => hit.item.unitId).sort();
    expect(near(second.avl)).toEqual(['unit-new', 'unit-old']);
    expect(second.cad.lastSeenAt('unit-old')).toEqual(POINT);

    const positions = async (job: typeof first.job) => (await job.purgeExpired({ now })).classes.find((purge) => purge.dataClass === 'avl-positions');
    await expect(positions(first.job)).resolves.toMatchObject({ deleted: 1, error: null });
    // The rows are gone already: the second replica deletes none, and forgets the old fix all the same.
    await expect(positions(second.job)).resolves.toMatchObject({ deleted: 0, error: null });
    expect(near(second.avl)).toEqual(['unit-new']);
    expect(second.cad.lastSeenAt('unit-old')).toBeNull();
    expect(second.cad.lastSeenAt('unit-new')).toEqual(POINT);
    await expect(second.avl.positionsByUnitIds(['unit-old', 'unit-new'])).resolves.toEqual([null, expect.objectContaining({ point: POINT })]);
  });
});
