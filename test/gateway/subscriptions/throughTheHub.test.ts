import type { Client } from 'graphql-ws';
import type { DomainEvent } from '../../../contract';
import { destinationPoint } from '../../../geo/geodesy';
import { FIXTURE_TIME, INCIDENT_POINT, loadCityFixture } from '../../support/cityFixture';
import { type TestHub, startTestHub } from '../../support/startTestHub';
import { STORAGE_TARGETS, type StorageTarget } from '../../support/storageTargets';
import { createGatewayClient, record, waitUntil } from '../../support/subscribeThroughGateway';

const AREA = { circle: { center: { lat: 33.415, lon: -111.831 }, radiusMeters: 3000 } };
const FAR_AWAY = { lat: 33.3, lon: -111.6 }; // about 25 km from the area
let sequence = 0;
const at = (seconds: number) => new Date(FIXTURE_TIME.getTime() + seconds * 1000).toISOString();
const envelope = (seconds: number) => ({ eventId: `sub-${(sequence += 1)}`, source: 'test', occurredAt: at(seconds) });

function callReceived(callId: string, point: { lat: number; lon: number }, seconds = 100): DomainEvent {
  return {
    type: 'call.received',
    ...envelope(seconds),
    callId,
    state: 'RINGING',
    location: { point, uncertaintyMeters: 30 },
    classOfService: 'WPH2',
    callbackNumber: '4805550123',
  };
}

/** A test hub on `target` with the city fixture loaded, and a graphql-ws client of its gateway; `close` stops both. */
async function startHubWithClient(target: StorageTarget): Promise<{ hub: TestHub; client: Client; close(): Promise<void> }> {
  const hub = await startTestHub(target);
  try {
    await loadCityFixture(hub.sink);
  } catch (error) {
    await hub.close();
    throw error;
  }
  const client = createGatewayClient(hub.gatewayUrl);
  return {
    hub,
    client,
    close: async () => {
      await client.dispose();
      await hub.close();
    },
  };
}

describe.each(STORAGE_TARGETS)('subscriptions through the gateway ($name)', (target) => {
  let hub: TestHub;
  let client: Client;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => ({ hub, client, close } = await startHubWithClient(target)));
  afterAll(() => close?.());

  it('pushes each new 911 call in the area with its cameras and units already resolved', async () => {
    const subscription = record<{
      callReceived: {
        id: string;
        location: { point: { lat: number; lon: number }; uncertaintyMeters: number };
        nearbyCameras: { camera: { id: string; streams: { url: string }[] }; distanceMeters: number }[];
        nearbyUnits: { unit: { callSign: string }; distanceMeters: number }[];
      };
    }>(
      client,
      `subscription ($area: AreaInput) { callReceived(area: $area) {
        id receivedAt location { point { lat lon } uncertaintyMeters }
        nearbyCameras(limit: 4, inViewOnly: true) { camera { id name streams { url } } distanceMeters }
        nearbyUnits(limit: 3, status: [AVAILABLE]) { unit { callSign } distanceMeters } } }`,
      { area: AREA },
    );
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1);
    await hub.sink.emit(callReceived('live-1', INCIDENT_POINT));
    await hub.sink.emit(callReceived('live-far', FAR_AWAY));
    await hub.sink.emit(callReceived('live-2', destinationPoint(INCIDENT_POINT, 90, 50)));
    const [first, second] = await subscription.waitFor(2);
    expect(first?.callReceived).toMatchObject({ id: 'live-1', location: { point: INCIDENT_POINT, uncertaintyMeters: 30 } });
    // The same answer the fixture gives for a call at the incident (see the flagship test).
    expect(first?.callReceived.nearbyCameras.map((hit) => hit.camera.id)).toEqual(['cam-east', 'cam-ptz']);
    expect(first?.callReceived.nearbyCameras[0]?.camera.streams).toEqual([{ url: 'rtsp://vms.test.invalid/cam-east' }]);
    expect(first?.callReceived.nearbyUnits.map((hit) => hit.unit.callSign)).toEqual(['1A11', '1A13', '2B22']);
    expect(second?.callReceived.id).toBe('live-2');
    subscription.stop();
    expect(subscription.events.map((event) => event.callReceived.id)).not.toContain('live-far');
  });
  it('batches the entity fetches of events that arrive together', async () => {
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 0);
    const subscription = record<{ callReceived: { id: string; nearbyUnits: { unit: { callSign: string } }[] } }>(
      client,
      'subscription { callReceived { id nearbyUnits(limit: 3) { unit { callSign } } } }',
    );
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1);
    const unitQueries: string[] = [];
    const listener = (query: { sql: string }) => {
      if (/"units"/.test(query.sql)) unitQueries.push(query.sql);
    };
    hub.subgraphs.cad.db.knex.on('query', listener);
    await Promise.all(Array.from({ length: 20 }, (_, i) => hub.sink.emit(callReceived(`burst-${i}`, INCIDENT_POINT, 150))));
    const events = await subscription.waitFor(20);
    hub.subgraphs.cad.db.knex.removeListener('query', listener);
    subscription.stop();
    expect(events.every((event) => event.callReceived.nearbyUnits.length === 3)).toBe(true);
    // Unbatched, each of the 20 events would cost CAD its own units query.
    expect(unitQueries.length).toBeLessThan(20);
  });
});

describe.each(STORAGE_TARGETS)('each subscription field, filtered by area ($name)', (target) => {
  let hub: TestHub;
  let client: Client;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => ({ hub, client, close } = await startHubWithClient(target)));
  afterAll(() => close?.());

  const ready = (subgraph: keyof TestHub['subgraphs'], count: number) =>
    waitUntil(() => hub.subgraphs[subgraph].subgraph.activeSubscriptions() === count);

  it('callUpdated: delivers changes inside, then once when the call leaves, then nothing', async () => {
    const updates = record<{ callUpdated: { id: string; state: string; location: { point: { lat: number } } } }>(
      client,
      'subscription ($area: AreaInput) { callUpdated(area: $area) { id state location { point { lat lon } } } }',
      { area: AREA },
    );
    await ready('calls', 1);
    const update = (seconds: number, point: { lat: number; lon: number }, state: 'ACTIVE' | 'ENDED' = 'ACTIVE'): DomainEvent => ({
      type: 'call.updated',
      ...envelope(seconds),
      callId: 'call-1',
      state,
      location: { point, uncertaintyMeters: 10 },
    });
    await hub.sink.emit(update(200, INCIDENT_POINT));
    await hub.sink.emit(update(201, FAR_AWAY)); // leaves: delivered once
    await hub.sink.emit(update(202, FAR_AWAY, 'ENDED')); // still outside: not delivered
    await hub.sink.emit(update(203, INCIDENT_POINT, 'ENDED')); // back inside
    const events = await updates.waitFor(3);
    expect(events.map((event) => [event.callUpdated.state, event.callUpdated.location.point.lat])).toEqual([
      ['ACTIVE', INCIDENT_POINT.lat],
      ['ACTIVE', FAR_AWAY.lat],
      ['ENDED', INCIDENT_POINT.lat],
    ]);
    updates.stop();
    await ready('calls', 0);
  });

  it('incidentChanged: only incidents in the area and at least as urgent as minPriority', async () => {
    const changes = record<{ incidentChanged: { number: string; status: string; priority: number } }>(
      client,
      'subscription ($area: AreaInput) { incidentChanged(area: $area, minPriority: 2) { number status priority } }',
      { area: AREA },
    );
    await ready('cad', 1);
    const incident = (id: string, priority: number, point: { lat: number; lon: number }, seconds: number): DomainEvent => ({
      type: 'incident.created',
      ...envelope(seconds),
      incidentId: id,
      number: `N-${id}`,
      typeCode: 'THEFT',
      typeText: 'Theft',
      priority,
      status: 'PENDING',
      location: { point },
      reportedAt: at(seconds),
      narrative: null,
      callIds: [],
    });
    await hub.sink.emit(incident('low', 4, INCIDENT_POINT, 300)); // not urgent enough
    await hub.sink.emit(incident('far', 1, FAR_AWAY, 301)); // outside
    await hub.sink.emit({ type: 'incident.updated', ...envelope(302), incidentId: 'inc-1', status: 'ON_SCENE' });
    const [event] = await changes.waitFor(1);
    expect(event?.incidentChanged).toEqual({ number: 'MPD2611230001', status: 'ON_SCENE', priority: 1 });
    changes.stop();
    expect(changes.events).toHaveLength(1);
  });

  it('unitStatusChanged and unitPositions: filtered by unit and area, enriched with the unit from CAD', async () => {
    const statuses = record<{ unitStatusChanged: { callSign: string; status: string; position: { point: { lat: number } } } }>(
      client,
      'subscription ($area: AreaInput) { unitStatusChanged(area: $area, status: [OUT_OF_SERVICE]) { callSign status position { point { lat } } } }',
      { area: AREA },
    );
    const positions = record<{ unitPositions: { callSign: string; status: string; position: { point: { lat: number; lon: number } } } }>(
      client,
      'subscription { unitPositions(unitIds: ["unit-a"]) { callSign status position { point { lat lon } } } }',
    );
    await ready('cad', 1);
    await ready('avl', 1);
    await hub.sink.emit({ type: 'unit.statusChanged', ...envelope(400), unitId: 'unit-a', callSign: '1A11', status: 'OUT_OF_SERVICE', incidentId: null });
    await hub.sink.emit({ type: 'unit.statusChanged', ...envelope(401), unitId: 'unit-g', callSign: '3C31', status: 'OUT_OF_SERVICE', incidentId: null }); // 7 km out
    await hub.sink.emit({ type: 'unit.statusChanged', ...envelope(402), unitId: 'unit-c', callSign: '1A13', status: 'ENROUTE', incidentId: 'inc-1' }); // other status
    const moved = destinationPoint(INCIDENT_POINT, 0, 100);
    await hub.sink.emit({ type: 'position.fix', ...envelope(403), unitId: 'unit-a', point: moved, headingDegrees: 0, speedKph: 30, fixAt: at(403) });
    await hub.sink.emit({ type: 'position.fix', ...envelope(404), unitId: 'unit-b', point: moved, headingDegrees: 0, speedKph: 30, fixAt: at(404) });
    const [status] = await statuses.waitFor(1);
    const [position] = await positions.waitFor(1);
    expect(status?.unitStatusChanged).toMatchObject({ callSign: '1A11', status: 'OUT_OF_SERVICE' });
    expect(position?.unitPositions).toEqual({ callSign: '1A11', status: 'OUT_OF_SERVICE', position: { point: moved } });
    statuses.stop();
    positions.stop();
    expect(statuses.events).toHaveLength(1);
    expect(positions.events).toHaveLength(1);
  });

  it('cameraStatusChanged: cameras in the area going offline and back', async () => {
    const cameras = record<{ cameraStatusChanged: { id: string; status: string } }>(
      client,
      'subscription ($area: AreaInput) { cameraStatusChanged(area: $area) { id status } }',
      { area: { circle: { center: INCIDENT_POINT, radiusMeters: 100 } } },
    );
    await ready('cameras', 1);
    await hub.sink.emit({ type: 'camera.statusChanged', ...envelope(500), cameraId: 'cam-west', status: 'OFFLINE' }); // 400 m away
    await hub.sink.emit({ type: 'camera.statusChanged', ...envelope(501), cameraId: 'cam-east', status: 'OFFLINE' });
    await hub.sink.emit({ type: 'camera.statusChanged', ...envelope(502), cameraId: 'cam-east', status: 'OFFLINE' }); // no change
    await hub.sink.emit({ type: 'camera.statusChanged', ...envelope(503), cameraId: 'cam-east', status: 'ONLINE' });
    const events = await cameras.waitFor(2);
    expect(events.map((event) => event.cameraStatusChanged)).toEqual([
      { id: 'cam-east', status: 'OFFLINE' },
      { id: 'cam-east', status: 'ONLINE' },
    ]);
    cameras.stop();
  });

  it('takes a bounding box or a GeoJSON polygon as the area', async () => {
    const near = destinationPoint(INCIDENT_POINT, 45, 100);
    const box = record<{ unitPositions: { id: string } }>(
      client,
      'subscription ($area: AreaInput) { unitPositions(area: $area) { id } }',
      { area: { boundingBox: { southWest: { lat: 33.41, lon: -111.84 }, northEast: { lat: 33.42, lon: -111.82 } } } },
    );
    // A triangle east of the incident, in GeoJSON [lon, lat] order.
    const triangle = [[[-111.8310, 33.4140], [-111.8200, 33.4152], [-111.8310, 33.4165], [-111.8310, 33.4140]]];
    const polygon = record<{ unitPositions: { id: string } }>(
      client,
      'subscription ($area: AreaInput) { unitPositions(area: $area) { id } }',
      { area: { polygon: { type: 'Polygon', coordinates: triangle } } },
    );
    await ready('avl', 2);
    const fix = (unitId: string, point: { lat: number; lon: number }, seconds: number): DomainEvent => ({
      type: 'position.fix', ...envelope(seconds), unitId, point, headingDegrees: 0, speedKph: 10, fixAt: at(seconds),
    });
    await hub.sink.emit(fix('unit-c', near, 600)); // in the box and in the triangle
    await hub.sink.emit(fix('unit-d', destinationPoint(INCIDENT_POINT, 270, 300), 601)); // in the box, west of the triangle
    await hub.sink.emit(fix('unit-e', { lat: 33.5, lon: -111.83 }, 602)); // in neither
    await hub.sink.emit(fix('unit-f', destinationPoint(INCIDENT_POINT, 100, 150), 603)); // in both
    expect((await box.waitFor(3)).map((event) => event.unitPositions.id)).toEqual(['unit-c', 'unit-d', 'unit-f']);
    expect((await polygon.waitFor(2)).map((event) => event.unitPositions.id)).toEqual(['unit-c', 'unit-f']);
    box.stop();
    polygon.stop();
    await ready('avl', 0);
  });

  it('rejects a bad area with BAD_USER_INPUT', async () => {
    const bad = record(client, 'subscription { callReceived(area: {circle: {center: {lat: 33.4, lon: -111.8}, radiusMeters: -5}}) { id } }');
    await waitUntil(() => bad.errors.length > 0 || bad.completed);
    expect(JSON.stringify(bad.errors)).toContain('radiusMeters');
  });

  it('keeps answering queries, over HTTP and over the socket, while subscriptions run', async () => {
    const live = record(client, 'subscription { unitPositions { id } }');
    await ready('avl', 1);
    const overHttp = await hub.query<{ incident: { number: string } }>('{ incident(id: "inc-1") { number } }');
    expect(overHttp.data?.incident.number).toBe('MPD2611230001');
    const overSocket = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: '{ unit(id: "unit-b") { callSign position { point { lat } } } }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(overSocket).toMatchObject({ data: { unit: { callSign: '1A12' } } });
    live.stop();
  });
});
