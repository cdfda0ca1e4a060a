import type { DomainEvent } from '../../contract';
import { type LatLon, destinationPoint } from '../../geo/geodesy';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, record, waitUntil } from '../support/subscribeThroughGateway';

// Retention's purge reaches every copy of a record, not only its table: through the gateway, a
// purged position is gone from `Unit.position` (read from AVL's table) and from every
// `nearbyUnits` (`Incident`, `Call`) and `unitsNear` (AVL's kd-tree) alike, and CAD's memory of
// where each unit was last seen (which places units in `unitStatusChanged` areas) loses it too.

const DAY_MS = 86_400_000;
const POINT: LatLon = { lat: 33.4152, lon: -111.8315 };
const AREA = { circle: { center: POINT, radiusMeters: 2000 } };

let sequence = 0;
const envelope = (at: Date) => ({ eventId: `purge-test-${(sequence += 1)}`, source: 'retention-test', occurredAt: at.toISOString() });

describe.each(STORAGE_TARGETS)('retention purge reaches the in-memory indexes on $name', (target) => {
  let hub: TestHub;
  // Whole seconds: fix times come back from the table at its precision.
  const fresh = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiring = new Date(fresh.getTime() - 10 * 60_000);
  /** A purge run that finds `expiring` (and nothing younger) past the AVL retention of 90 days. */
  const purgeAt = new Date(expiring.getTime() + 90 * DAY_MS + 5 * 60_000);

  beforeAll(async () => {
    hub = await startTestHub(target);
    const events: DomainEvent[] = [
      { type: 'unit.statusChanged', ...envelope(expiring), unitId: 'unit-expiring', callSign: '9A91', status: 'AVAILABLE', incidentId: null },
      { type: 'unit.statusChanged', ...envelope(expiring), unitId: 'unit-fresh', callSign: '9A92', status: 'AVAILABLE', incidentId: null },
      { type: 'position.fix', ...envelope(expiring), unitId: 'unit-expiring', point: destinationPoint(POINT, 90, 100), headingDegrees: 0, speedKph: 0, fixAt: expiring.toISOString() },
      { type: 'position.fix', ...envelope(fresh), unitId: 'unit-fresh', point: destinationPoint(POINT, 270, 100), headingDegrees: 0, speedKph: 0, fixAt: fresh.toISOString() },
      {
        type: 'incident.created',
        ...envelope(fresh),
        incidentId: 'inc-purge-1',
        number: 'MPD-PURGE-1',
        typeCode: 'ROBBERY',
        typeText: 'Robbery',
        priority: 1,
        status: 'DISPATCHED',
        location: { point: POINT, address: null, uncertaintyMeters: 10 },
        reportedAt: fresh.toISOString(),
        narrative: null,
        callIds: [],
      },
      {
        type: 'call.received',
        ...envelope(fresh),
        callId: 'call-purge-1',
        state: 'ACTIVE',
        location: { point: POINT, address: null, uncertaintyMeters: 10 },
        classOfService: 'WPH2',
        callbackNumber: null,
      },
    ];
    for (const event of events) await hub.sink.emit(event);
  });
  afterAll(async () => {
    await hub?.close();
  });

  const NEAR_QUERY = `query ($point: GeoPointInput!) {
    unitsNear(point: $point, radiusMeters: 1000, limit: 10) { unit { id } }
    incident(id: "inc-purge-1") { nearbyUnits(radiusMeters: 1000, limit: 10) { unit { id } } }
    call(id: "call-purge-1") { nearbyUnits(radiusMeters: 1000, limit: 10) { unit { id position { fixAt } } } }
    expiring: unit(id: "unit-expiring") { callSign position { fixAt } }
    fresh: unit(id: "unit-fresh") { position { fixAt } }
  }`;
  interface NearAnswer {
    unitsNear: { unit: { id: string } }[];
    incident: { nearbyUnits: { unit: { id: string } }[] };
    call: { nearbyUnits: { unit: { id: string; position: { fixAt: string } | null } }[] };
    expiring: { callSign: string; position: { fixAt: string } | null };
    fresh: { position: { fixAt: string } | null };
  }
  const ids = (hits: { unit: { id: string } }[]) => hits.map((hit) => hit.unit.id).sort();

  it('a position past retention leaves nearbyUnits, unitsNear, Unit.position and the unitStatusChanged areas; a younger one stays', async () => {
    const before = await hub.query<NearAnswer>(NEAR_QUERY, { point: POINT });
    expect(before.errors).toBeUndefined();
    expect(ids(before.data!.unitsNear)).toEqual(['unit-expiring', 'unit-fresh']);
    expect(ids(before.data!.incident.nearbyUnits)).toEqual(['unit-expiring', 'unit-fresh']);
    expect(ids(before.data!.call.nearbyUnits)).toEqual(['unit-expiring', 'unit-fresh']);
    expect(before.data!.expiring.position?.fixAt).toBe(expiring.toISOString());
    expect(before.data!.fresh.position?.fixAt).toBe(fresh.toISOString());

    // CAD places a unit in an area by where it was last seen: before the purge, both are inside.
    const client = createGatewayClient(hub.gatewayUrl);
    try {
      const statuses = record<{ unitStatusChanged: { id: string; status: string } }>(
        client,
        'subscription ($area: AreaInput) { unitStatusChanged(area: $area) { id status } }',
        { area: AREA },
      );
      await waitUntil(() => hub.subgraphs.cad.subgraph.activeSubscriptions() === 1);
      let at = fresh.getTime();
      const statusOf = (unitId: string, status: 'OUT_OF_SERVICE' | 'AVAILABLE') => {
        at += 1000;
        return { type: 'unit.statusChanged', ...envelope(new Date(at)), unitId, callSign: unitId === 'unit-fresh' ? '9A92' : '9A91', status, incidentId: null } as DomainEvent;
      };
      await hub.sink.emit(statusOf('unit-expiring', 'OUT_OF_SERVICE'));
      await hub.sink.emit(statusOf('unit-fresh', 'OUT_OF_SERVICE'));
      await statuses.waitFor(2);

      const report = await hub.retention.job.purgeExpired({ now: purgeAt });
      const positions = report.classes.find((purge) => purge.dataClass === 'avl-positions');
      expect(positions).toMatchObject({ deleted: 1, error: null });

      const after = await hub.query<NearAnswer>(NEAR_QUERY, { point: POINT });
      expect(after.errors).toBeUndefined();
      expect(ids(after.data!.unitsNear)).toEqual(['unit-fresh']);
      expect(ids(after.data!.incident.nearbyUnits)).toEqual(['unit-fresh']);
      expect(after.data!.call.nearbyUnits).toEqual([{ unit: { id: 'unit-fresh', position: { fixAt: fresh.toISOString() } } }]);
      // The unit itself (CAD) stays; only its position went. The younger position is untouched.
      expect(after.data!.expiring).toEqual({ callSign: '9A91', position: null });
      expect(after.data!.fresh.position?.fixAt).toBe(fresh.toISOString());

      // Its location gone, the purged unit is told once that it left the area, then no more;
      // the fresh unit's status after it shows that nothing else was coming.
      await hub.sink.emit(statusOf('unit-expiring', 'AVAILABLE'));
      await hub.sink.emit(statusOf('unit-expiring', 'OUT_OF_SERVICE'));
      await hub.sink.emit(statusOf('unit-fresh', 'AVAILABLE'));
      await statuses.waitFor(4);
      statuses.stop();
      expect(statuses.events.map((event) => `${event.unitStatusChanged.id} ${event.unitStatusChanged.status}`)).toEqual([
        'unit-expiring OUT_OF_SERVICE',
        'unit-fresh OUT_OF_SERVICE',
        'unit-expiring AVAILABLE',
        'unit-fresh AVAILABLE',
      ]);
    } finally {
      await client.dispose();
    }
  });
});
