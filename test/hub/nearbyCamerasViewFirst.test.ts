import type { CameraDiscovered, DomainEvent } from '../../contract';
import { destinationPoint, type LatLon } from '../../geo/geodesy';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** A point far from every other test's city, so that only this test's cameras are near it. */
const POINT: LatLon = { lat: 33.3801, lon: -111.7402 };
const TIME = new Date('2026-11-23T18:00:00.000Z');

interface Optics {
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number;
  readonly ptz: boolean;
}

const fixed = (headingDegrees: number, rangeMeters = 150): Optics => ({ headingDegrees, fieldOfViewDegrees: 60, rangeMeters, ptz: false });
const ptz = (rangeMeters: number): Optics => ({ headingDegrees: null, fieldOfViewDegrees: null, rangeMeters, ptz: true });

/** Bearing and distance from POINT to each camera, and how it looks. */
const CAMERAS: readonly { id: string; bearing: number; meters: number; optics: Optics }[] = [
  // 40 m north, looking north, away from the point: nearest, not in view.
  { id: 'vf-near-away', bearing: 0, meters: 40, optics: fixed(0) },
  // 60 m east, looking north-east: not in view.
  { id: 'vf-near-side', bearing: 90, meters: 60, optics: fixed(45) },
  // 300 m south, looking north at the point with a 400 m range: in view.
  { id: 'vf-far-seeing', bearing: 180, meters: 300, optics: fixed(0, 400) },
  // 200 m west, a PTZ camera with 250 m range: counts as seeing the point (it can turn).
  { id: 'vf-ptz-in-range', bearing: 270, meters: 200, optics: ptz(250) },
  // 120 m north-west, a PTZ camera with only 100 m range: not in view.
  { id: 'vf-ptz-short', bearing: 315, meters: 120, optics: ptz(100) },
  // Two cameras on one pole 250 m north-east, both looking at the point: equally far, so ties go by id.
  { id: 'vf-tie-b', bearing: 45, meters: 250, optics: fixed(225, 400) },
  { id: 'vf-tie-a', bearing: 45, meters: 250, optics: fixed(240, 400) },
];

function events(): DomainEvent[] {
  let sequence = 0;
  const envelope = () => ({ eventId: `view-first-${(sequence += 1)}`, source: 'test', occurredAt: TIME.toISOString() });
  const cameras = CAMERAS.map(
    ({ id, bearing, meters, optics }): CameraDiscovered => ({
      type: 'camera.discovered',
      ...envelope(),
      cameraId: id,
      name: `Camera ${id}`,
      cameraSource: 'CITY_VMS',
      location: { point: destinationPoint(POINT, bearing, meters), address: null, uncertaintyMeters: null },
      ...optics,
      mountHeightMeters: 6,
      status: 'ONLINE',
      streams: [],
      snapshotUrl: null,
    }),
  );
  return [
    ...cameras,
    {
      type: 'call.received',
      ...envelope(),
      callId: 'view-first-call',
      state: 'ACTIVE',
      location: { point: POINT, uncertaintyMeters: 10 },
      classOfService: 'WPH2',
      callbackNumber: null,
    },
    {
      type: 'incident.created',
      ...envelope(),
      incidentId: 'view-first-incident',
      number: 'MPD2611230901',
      typeCode: 'ROBBERY',
      typeText: 'Robbery',
      priority: 1,
      status: 'PENDING',
      location: { point: POINT, address: null, uncertaintyMeters: 10 },
      reportedAt: TIME.toISOString(),
      narrative: null,
      callIds: ['view-first-call'],
    },
  ];
}

type NearbyIds = { camera: { id: string }; inView: boolean; distanceMeters: number }[];

describe.each(STORAGE_TARGETS)('nearbyCameras(orderBy: VIEW_FIRST) through the gateway ($name)', (target) => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target, { now: () => new Date(TIME.getTime() + 30_000) });
    for (const event of events()) await hub.sink.emit(event);
  });
  afterAll(() => hub?.close());

  const incidentCameras = async (args: string) => {
    const body = await hub.query<{ incident: { nearbyCameras: NearbyIds } | null }>(
      `query ($id: ID!) { incident(id: $id) { nearbyCameras(radiusMeters: 500${args}) { camera { id } inView distanceMeters } } }`,
      { id: 'view-first-incident' },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.incident!.nearbyCameras;
  };
  const ids = (cameras: NearbyIds) => cameras.map(({ camera }) => camera.id);

  it('orders the cameras that see the point first, nearest first, ties by id; then the nearest others', async () => {
    const cameras = await incidentCameras(', limit: 10, orderBy: VIEW_FIRST');
    expect(ids(cameras)).toEqual(['vf-ptz-in-range', 'vf-tie-a', 'vf-tie-b', 'vf-far-seeing', 'vf-near-away', 'vf-near-side', 'vf-ptz-short']);
    expect(cameras.map(({ inView }) => inView)).toEqual([true, true, true, true, false, false, false]);
  });

  it('keeps the distance order by default and under orderBy: DISTANCE', async () => {
    const byDistance = ['vf-near-away', 'vf-near-side', 'vf-ptz-short', 'vf-ptz-in-range', 'vf-tie-a', 'vf-tie-b', 'vf-far-seeing'];
    expect(ids(await incidentCameras(', limit: 10'))).toEqual(byDistance);
    expect(ids(await incidentCameras(', limit: 10, orderBy: DISTANCE'))).toEqual(byDistance);
  });

  it('puts a far camera that sees the point before a near one that does not only under VIEW_FIRST', async () => {
    const viewFirst = ids(await incidentCameras(', limit: 10, orderBy: VIEW_FIRST'));
    const byDistance = ids(await incidentCameras(', limit: 10'));
    expect(viewFirst.indexOf('vf-far-seeing')).toBeLessThan(viewFirst.indexOf('vf-near-away'));
    expect(byDistance.indexOf('vf-far-seeing')).toBeGreaterThan(byDistance.indexOf('vf-near-away'));
  });

  it('applies limit after ordering: the first N of the VIEW_FIRST order, even when nearer cameras do not see the point', async () => {
    expect(ids(await incidentCameras(', limit: 2, orderBy: VIEW_FIRST'))).toEqual(['vf-ptz-in-range', 'vf-tie-a']);
    expect(ids(await incidentCameras(', limit: 5, orderBy: VIEW_FIRST'))).toEqual(['vf-ptz-in-range', 'vf-tie-a', 'vf-tie-b', 'vf-far-seeing', 'vf-near-away']);
    expect(ids(await incidentCameras(', limit: 2'))).toEqual(['vf-near-away', 'vf-near-side']);
  });

  it('gives the same order on a call and on camerasNear as on the incident', async () => {
    const expected = ids(await incidentCameras(', limit: 4, orderBy: VIEW_FIRST'));
    const body = await hub.query<{ call: { nearbyCameras: NearbyIds } | null; camerasNear: NearbyIds }>(
      `query ($id: ID!, $point: GeoPointInput!) {
        call(id: $id) { nearbyCameras(radiusMeters: 500, limit: 4, orderBy: VIEW_FIRST) { camera { id } inView distanceMeters } }
        camerasNear(point: $point, radiusMeters: 500, limit: 4, orderBy: VIEW_FIRST) { camera { id } inView distanceMeters }
      }`,
      { id: 'view-first-call', point: POINT },
    );
    expect(body.errors).toBeUndefined();
    expect(ids(body.data!.call!.nearbyCameras)).toEqual(expected);
    expect(ids(body.data!.camerasNear)).toEqual(expected);
  });
});
