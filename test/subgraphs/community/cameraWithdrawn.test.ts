import type { CameraDiscovered, CameraWithdrawn } from '../../../contract';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { type Body, type OpenSubgraphs, callerWith, openSubgraphs } from '../openSubgraphs';

const T0 = Date.parse('2026-11-23T18:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
let sequence = 0;

const discovered = (cameraId: string, seconds: number): CameraDiscovered => ({
  type: 'camera.discovered',
  eventId: `w-${(sequence += 1)}`,
  source: 'community',
  occurredAt: at(seconds),
  cameraId,
  name: 'Corner store',
  cameraSource: 'COMMUNITY_LIVE',
  location: { point: { lat: 33.415, lon: -111.83 }, address: null, uncertaintyMeters: null },
  headingDegrees: 90,
  fieldOfViewDegrees: 70,
  rangeMeters: 50,
  mountHeightMeters: null,
  ptz: false,
  status: 'ONLINE',
  streams: [],
  snapshotUrl: null,
  owner: { ownerId: 'owner-1', name: null, contactName: null, contactPhone: null, contactEmail: null },
});
const withdrawn = (cameraId: string, erased: boolean, seconds: number): CameraWithdrawn => ({
  type: 'camera.withdrawn',
  eventId: `w-${(sequence += 1)}`,
  source: 'community',
  occurredAt: at(seconds),
  cameraId,
  erased,
});

const CAMERA = 'query ($id: ID!) { camera(id: $id) { id source status } }';
const NEAR = '{ camerasNear(point: { lat: 33.415, lon: -111.83 }, radiusMeters: 500) { camera { id source } } }';

describe.each(STORAGE_TARGETS)('the camera directory hears of withdrawals ($name)', (target) => {
  let city: OpenSubgraphs;
  const operator = callerWith(['operator']);

  beforeEach(async () => {
    city = await openSubgraphs(target);
  });
  afterEach(async () => {
    await city.close();
  });

  test('erased: the camera leaves the table and the spatial index, and subscribers hear it go offline', async () => {
    await city.emit(discovered('community:reg-a', 0), discovered('community:reg-b', 0));
    const changes = await city.subscribe(city.cameras, 'subscription { cameraStatusChanged { id status } }', null);
    await city.emit(withdrawn('community:reg-a', true, 10));
    expect(((await changes.next()).value as Body).data?.cameraStatusChanged).toEqual({ id: 'community:reg-a', status: 'OFFLINE' });
    await changes.return?.();
    expect((await city.run(city.cameras, CAMERA, { id: 'community:reg-a' }, operator)).data?.camera).toBeNull();
    const near = (await city.run(city.cameras, NEAR, {}, operator)).data?.camerasNear as { camera: { id: string } }[];
    expect(near.map((hit) => hit.camera.id)).toEqual(['community:reg-b']);
    const rows = await city.db.cameras.table('cameras').where('id', 'community:reg-a');
    expect(rows).toEqual([]);
  });

  test('kept: the camera stays, registered only, with no streams', async () => {
    await city.emit(discovered('community:reg-a', 0));
    await city.emit(withdrawn('community:reg-a', false, 10));
    expect((await city.run(city.cameras, CAMERA, { id: 'community:reg-a' }, operator)).data?.camera).toEqual({ id: 'community:reg-a', source: 'COMMUNITY_REGISTERED', status: 'ONLINE' });
  });

  test('a withdrawal older than the camera\'s last change changes nothing; one of an unknown camera neither', async () => {
    await city.emit(discovered('community:reg-a', 20));
    await city.emit(withdrawn('community:reg-a', true, 10), withdrawn('community:reg-zzz', true, 30));
    expect((await city.run(city.cameras, CAMERA, { id: 'community:reg-a' }, operator)).data?.camera).toMatchObject({ id: 'community:reg-a' });
  });
});
