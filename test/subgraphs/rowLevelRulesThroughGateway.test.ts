import type { CameraDiscovered } from '../../contract';
import { destinationPoint } from '../../geo/geodesy';
import { FIXTURE_TIME, INCIDENT_POINT, loadCityFixture } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** The row-level rules reach the subgraphs with the caller the gateway forwards from a real token. */
describe('row-level rules through the running gateway', () => {
  let hub: TestHub;

  const as = async (claims: { roles: string[]; geofence?: unknown; cameraOwner?: string }, query: string) => {
    const token = await hub.token({ subject: `row-test-${claims.roles.join('-')}`, ...claims });
    return hub.post<Record<string, unknown>>(query, {}, { authorization: `Bearer ${token}`, 'x-purpose': 'CASE-2026-0042' });
  };
  const circle = (center: { lat: number; lon: number }, radiusMeters: number) => ({ circle: { center, radiusMeters } });

  beforeAll(async () => {
    hub = await startTestHub(STORAGE_TARGETS[0]!);
    await loadCityFixture(hub.sink);
    const owned: CameraDiscovered = {
      type: 'camera.discovered',
      eventId: 'owned-camera-1',
      source: 'test',
      occurredAt: FIXTURE_TIME.toISOString(),
      cameraId: 'cam-community-1',
      name: 'Saguaro Market - Front door',
      cameraSource: 'COMMUNITY_LIVE',
      location: { point: destinationPoint(INCIDENT_POINT, 90, 30), uncertaintyMeters: null, address: null },
      headingDegrees: 270,
      fieldOfViewDegrees: 100,
      rangeMeters: 40,
      mountHeightMeters: 3,
      ptz: false,
      status: 'ONLINE',
      streams: [{ protocol: 'HLS', url: 'https://connect.test.invalid/live/1.m3u8', profile: null }],
      snapshotUrl: null,
      owner: { ownerId: 'owner-17', name: 'Saguaro Market', contactName: 'Rosa Begay', contactPhone: '480-555-0142', contactEmail: 'rosa@saguaro.example' },
    };
    await hub.sink.emit(owned);
  });
  afterAll(() => hub?.close());

  const CALLS_AND_INCIDENTS = '{ calls { edges { node { id } } } incidents { edges { node { id narrative } } } incident(id: "inc-1") { id } call(id: "call-1") { id callerName } }';

  it('a field officer sees the calls and incidents inside the geofence', async () => {
    const { body } = await as({ roles: ['officer'], geofence: circle(INCIDENT_POINT, 1000) }, CALLS_AND_INCIDENTS);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      calls: { edges: [{ node: { id: 'call-1' } }] },
      incidents: { edges: [{ node: { id: 'inc-1', narrative: 'Caller reports armed robbery at a store.' } }] },
      incident: { id: 'inc-1' },
      call: { id: 'call-1', callerName: null },
    });
  });

  it('and none outside it', async () => {
    const { body } = await as({ roles: ['officer'], geofence: circle(destinationPoint(INCIDENT_POINT, 0, 20_000), 1000) }, CALLS_AND_INCIDENTS);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ calls: { edges: [] }, incidents: { edges: [] }, incident: null, call: null });
  });

  it('a community camera owner sees their camera, its owner, and no other camera; contacts stay withheld', async () => {
    const query = '{ cameras(first: 50) { edges { node { id owner { id name contactPhone } } } } camera(id: "cam-east") { id } }';
    const { body } = await as({ roles: ['camera-owner'], cameraOwner: 'owner-17' }, query);
    expect(body.data).toEqual({
      cameras: { edges: [{ node: { id: 'cam-community-1', owner: { id: 'owner-17', name: 'Saguaro Market', contactPhone: null } } }] },
      camera: null,
    });
    expect((body.errors ?? []).map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
      ['cameras.edges.0.node.owner.contactPhone', 'FORBIDDEN'],
    ]);
  });

  it('a camera owner whose token names no owner id (a resident identity provider\'s) is the owner their subject names', async () => {
    const query = '{ cameras(first: 50) { edges { node { id } } } }';
    const token = await hub.token({ subject: 'owner-17', roles: ['camera-owner'] });
    const { body } = await hub.post<{ cameras: { edges: { node: { id: string } }[] } }>(query, {}, { authorization: `Bearer ${token}` });
    expect(body.data?.cameras.edges).toEqual([{ node: { id: 'cam-community-1' } }]);
    // Another subject, another owner: nothing of owner-17's.
    const stranger = await hub.token({ subject: 'resident-99', roles: ['camera-owner'] });
    const other = await hub.post<{ cameras: { edges: unknown[] } }>(query, {}, { authorization: `Bearer ${stranger}` });
    expect(other.body.data?.cameras.edges).toEqual([]);
  });

  it('a supervisor sees every camera and the owners\' contacts', async () => {
    const { body } = await as({ roles: ['supervisor'] }, '{ camera(id: "cam-community-1") { owner { contactName contactPhone contactEmail } } cameras(first: 50) { edges { node { id } } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.camera).toEqual({ owner: { contactName: 'Rosa Begay', contactPhone: '480-555-0142', contactEmail: 'rosa@saguaro.example' } });
    expect((body.data?.cameras as { edges: unknown[] }).edges.length).toBeGreaterThan(5);
  });
});
