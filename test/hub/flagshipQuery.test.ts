import { haversineMeters } from '../../geo/geodesy';
import { sightOf } from '../../geo/cameraView';
import { FIXTURE_CAMERAS, FIXTURE_TIME, FIXTURE_UNITS, INCIDENT_POINT, loadCityFixture } from '../support/cityFixture';
import { FLAGSHIP_QUERY } from '../../schema/flagshipQuery';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

interface FlagshipData {
  incident: {
    id: string;
    number: string;
    typeText: string;
    priority: number;
    location: { point: { lat: number; lon: number }; address: string | null };
    nearbyUnits: {
      distanceMeters: number;
      unit: {
        callSign: string;
        status: string;
        position: { point: { lat: number; lon: number }; stale: boolean } | null;
        nearbyCameras: { camera: { id: string; name: string }; distanceMeters: number }[] | null;
      };
    }[] | null;
    nearbyCameras: {
      distanceMeters: number;
      inView: boolean;
      camera: { id: string; name: string; streams: { protocol: string; url: string }[] };
    }[] | null;
  } | null;
}

describe.each(STORAGE_TARGETS)('the flagship query through the gateway ($name)', (target) => {
  let hub: TestHub;
  // 30 s after the fixture's fixes: fresh under the default AVL_STALE_AFTER_SECONDS (90).
  let clock = new Date(FIXTURE_TIME.getTime() + 30_000);

  beforeAll(async () => {
    hub = await startTestHub(target, { now: () => clock });
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('answers incident → nearby units → their cameras, and incident → cameras, in one request', async () => {
    const body = await hub.query<FlagshipData>(FLAGSHIP_QUERY, { id: 'inc-1' });
    expect(body.errors).toBeUndefined();
    const incident = body.data?.incident;
    expect(incident).toMatchObject({
      id: 'inc-1',
      number: 'MPD2611230001',
      typeText: 'Robbery',
      priority: 1,
      location: { point: INCIDENT_POINT, address: '20 E Main St, Mesa, AZ' },
    });

    // Units within 5 km, closest first, at most 5: brute force over the fixture.
    const expectedUnits = FIXTURE_UNITS.map((unit) => ({ unit, distance: haversineMeters(INCIDENT_POINT, unit.point) }))
      .filter(({ distance }) => distance <= 5000)
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 5);
    expect(incident?.nearbyUnits?.map((hit) => hit.unit.callSign)).toEqual(expectedUnits.map(({ unit }) => unit.callSign));
    incident?.nearbyUnits?.forEach((hit, i) => {
      const expected = expectedUnits[i]!;
      expect(hit.distanceMeters).toBeCloseTo(expected.distance, 6);
      expect(hit.unit.status).toBe(expected.unit.status);
      expect(hit.unit.position).toEqual({ point: expected.unit.point, stale: false });
    });
    // Each unit's two closest cameras within the default radius (300 m), by brute force.
    for (const hit of incident?.nearbyUnits ?? []) {
      const unit = FIXTURE_UNITS.find((candidate) => candidate.callSign === hit.unit.callSign)!;
      const expected = FIXTURE_CAMERAS.map((cam) => ({ id: cam.id, distance: haversineMeters(cam.point, unit.point) }))
        .filter(({ distance }) => distance <= 300)
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 2);
      expect(hit.unit.nearbyCameras?.map((near) => near.camera.id)).toEqual(expected.map(({ id }) => id));
    }
    const unitE = incident?.nearbyUnits?.find((hit) => hit.unit.callSign === '2B22');
    expect(unitE?.unit.nearbyCameras?.map((hit) => hit.camera.id)).toEqual(['cam-unit-e']);
    const unitA = incident?.nearbyUnits?.find((hit) => hit.unit.callSign === '1A11');
    expect(unitA?.unit.nearbyCameras?.length).toBe(2);

    // Cameras within 500 m, closest first, at most 4, with inView from the view cone.
    const expectedCameras = FIXTURE_CAMERAS.map((cam) => ({ cam, sight: sightOf(cam, INCIDENT_POINT, 100) }))
      .filter(({ sight }) => sight.distanceMeters <= 500)
      .sort((a, b) => a.sight.distanceMeters - b.sight.distanceMeters)
      .slice(0, 4);
    expect(incident?.nearbyCameras?.map((hit) => [hit.camera.id, hit.inView])).toEqual(
      expectedCameras.map(({ cam, sight }) => [cam.id, sight.inView]),
    );
    expect(incident?.nearbyCameras?.map((hit) => hit.inView)).toEqual([true, false, true, false]);
    expect(incident?.nearbyCameras?.[0]?.camera.streams).toEqual([{ protocol: 'RTSP', url: 'rtsp://vms.test.invalid/cam-east' }]);
  });

  it('reports positions as stale once they are older than AVL_STALE_AFTER_SECONDS', async () => {
    clock = new Date(FIXTURE_TIME.getTime() + 10 * 60_000);
    const body = await hub.query<FlagshipData>(FLAGSHIP_QUERY, { id: 'inc-1' });
    expect(body.data?.incident?.nearbyUnits?.every((hit) => hit.unit.position?.stale === true)).toBe(true);
    clock = new Date(FIXTURE_TIME.getTime() + 30_000);
  });

  it('filters nearby units by status and reaches calls, units and incidents across subgraphs', async () => {
    const body = await hub.query<{
      call: {
        state: string;
        location: { uncertaintyMeters: number };
        incident: { number: string; units: { callSign: string }[]; calls: { id: string }[] };
        nearbyUnits: { unit: { callSign: string } }[];
        nearbyCameras: { camera: { id: string }; inView: boolean }[];
      };
    }>(
      `query { call(id: "call-1") { state location { uncertaintyMeters }
         incident { number units { callSign } calls { id } }
         nearbyUnits(status: [AVAILABLE], limit: 3) { unit { callSign } }
         nearbyCameras(inViewOnly: true, radiusMeters: 500) { camera { id } inView } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.call).toEqual({
      state: 'ACTIVE',
      location: { uncertaintyMeters: 15 },
      incident: { number: 'MPD2611230001', units: [{ callSign: '1A12' }], calls: [{ id: 'call-1' }] },
      nearbyUnits: [{ unit: { callSign: '1A11' } }, { unit: { callSign: '1A13' } }, { unit: { callSign: '2B22' } }],
      nearbyCameras: [
        { camera: { id: 'cam-east' }, inView: true },
        { camera: { id: 'cam-ptz' }, inView: true },
        { camera: { id: 'cam-far' }, inView: true },
      ],
    });
  });

  it('pages through lists with cursors', async () => {
    type Page = { units: { edges: { node: { callSign: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const body: Awaited<ReturnType<typeof hub.query<Page>>> = await hub.query<Page>(
        'query ($after: String) { units(first: 3, after: $after) { edges { node { callSign } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const units = body.data!.units;
      seen.push(...units.edges.map((edge) => edge.node.callSign));
      if (!units.pageInfo.hasNextPage) break;
      after = units.pageInfo.endCursor;
    }
    expect(seen).toEqual(FIXTURE_UNITS.map((unit) => unit.callSign).sort());
  });

  it('rejects out-of-range arguments with BAD_USER_INPUT naming the argument', async () => {
    const body = await hub.query(
      '{ camerasNear(point: {lat: 33.4, lon: -111.8}, limit: 1000) { distanceMeters } unitsNear(point: {lat: 95, lon: 0}) { distanceMeters } }',
    );
    const codes = body.errors?.map((error) => [error.extensions?.code, error.extensions?.argument]);
    expect(codes).toEqual(expect.arrayContaining([['BAD_USER_INPUT', 'limit'], ['BAD_USER_INPUT', 'point']]));
  });
});
