import type { Adapter, AdapterStatus } from '../../contract';
import { aimCamera } from '../../adapters/onvif';
import { destinationPoint } from '../../geo/geodesy';
import { FIXTURE_CAMERAS, INCIDENT_POINT, loadCityFixture } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/**
 * A camera adapter that commands one PTZ camera and records what it was told. The pan/tilt
 * computation is the real one; only the device is absent (the ONVIF adapter's tests have one).
 */
function createRecordingPtzAdapter(cameraId: string, point: { lat: number; lon: number }) {
  const commands: { cameraId: string; pan: number; tilt: number }[] = [];
  let online = true;
  const adapter = {
    name: 'ptz-test',
    start: async () => undefined,
    stop: async () => undefined,
    status: (): AdapterStatus => ({ name: 'ptz-test', connected: true, lastMessageAt: null, accepted: 0, rejected: 0 }),
    controls: (id: string) => id === cameraId,
    aim: async (id: string, target: { lat: number; lon: number }) => {
      if (!online) throw new Error('device did not answer');
      const aim = aimCamera({ camera: { point, mountHeightMeters: 6, headingDegrees: 0 }, target });
      commands.push({ cameraId: id, pan: aim.pan, tilt: aim.tilt });
      return { panDegrees: aim.panDegrees, tiltDegrees: aim.tiltDegrees, distanceMeters: aim.distanceMeters };
    },
  };
  return { adapter: adapter as Adapter, commands, setOnline: (value: boolean) => (online = value) };
}

describe.each(STORAGE_TARGETS)('pointCamera ($name)', (target) => {
  let hub: TestHub;
  const ptz = FIXTURE_CAMERAS.find((camera) => camera.ptz)!;
  const device = createRecordingPtzAdapter(ptz.id, ptz.point);

  beforeAll(async () => {
    hub = await startTestHub(target, { adapters: [device.adapter] });
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  const point = (cameraId: string, at: { lat: number; lon: number }) =>
    hub.query<{ pointCamera: { camera: { id: string }; panDegrees: number; tiltDegrees: number; distanceMeters: number } }>(
      'mutation ($id: ID!, $t: GeoPointInput!) { pointCamera(cameraId: $id, target: $t) { camera { id } panDegrees tiltDegrees distanceMeters } }',
      { id: cameraId, t: at },
    );

  it('aims the PTZ camera at the incident from its position and mounting height', async () => {
    // The PTZ camera is 200 m south of the incident: pan due north, looking slightly down.
    const body = await point(ptz.id, INCIDENT_POINT);
    expect(body.errors).toBeUndefined();
    expect(body.data?.pointCamera.camera.id).toBe(ptz.id);
    expect(body.data?.pointCamera.distanceMeters).toBeCloseTo(200, 3);
    expect(body.data?.pointCamera.panDegrees).toBeCloseTo(0, 3);
    expect(body.data?.pointCamera.tiltDegrees).toBeCloseTo((-Math.atan(6 / 200) * 180) / Math.PI, 3);
    const east = await point(ptz.id, destinationPoint(ptz.point, 90, 50));
    expect(east.data?.pointCamera.panDegrees).toBeCloseTo(90, 3);
    expect(device.commands.map((command) => command.cameraId)).toEqual([ptz.id, ptz.id]);
  });

  it('refuses unknown and fixed cameras and bad targets, and reports a device that does not answer', async () => {
    const codes = async (cameraId: string) => (await point(cameraId, INCIDENT_POINT)).errors?.map((error) => error.extensions?.code);
    expect(await codes('cam-nowhere')).toEqual(['BAD_USER_INPUT']);
    expect(await codes('cam-east')).toEqual(['BAD_USER_INPUT']); // fixed camera
    device.setOnline(false);
    expect(await codes(ptz.id)).toEqual(['CAMERA_UNAVAILABLE']);
    device.setOnline(true);
    const badTarget = await point(ptz.id, { lat: 123, lon: 0 });
    expect(badTarget.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'target' });
  });
});
