import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguredAdapters } from '../../hub/loadConfiguredAdapters';
import { readHubConfig } from '../../config/hubConfig';
import { type FakeOnvifDevice, createFakeOnvifDevice } from '../adapters/onvif-device/createFakeOnvifDevice';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

describe('an ONVIF camera through the whole hub', () => {
  let device: FakeOnvifDevice;
  let hub: TestHub;
  const mast = { lat: 33.4152, lon: -111.8315 };

  beforeAll(async () => {
    device = await createFakeOnvifDevice({ label: 'hub', password: 'secret' });
    const file = join(mkdtempSync(join(tmpdir(), 'onvif-')), 'devices.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          cameraId: 'onvif-main-st',
          name: 'Main St & Center St (PTZ)',
          deviceServiceUrl: device.deviceServiceUrl,
          username: 'admin',
          password: 'secret',
          location: mast,
          headingDegrees: 0,
          mountHeightMeters: 8,
          rangeMeters: 250,
        },
      ]),
    );
    const config = readHubConfig({ ONVIF_DEVICES_FILE: file, AVL_UDP_PORT: 'off', EIDO_HTTP_PORT: 'off' });
    const buildAdapters = await loadConfiguredAdapters(config);
    hub = await startTestHub(STORAGE_TARGETS[0]!, {
      adapters: (lookups) => buildAdapters({ lookups, now: () => new Date(), supplied: {} }),
    });
  });
  afterAll(async () => {
    await hub?.close();
    await device?.close();
  });

  it('discovers the camera with its streams and points it at an incident through the API', async () => {
    await eventually(async () => {
      const body = await hub.query<{ camera: { ptz: boolean } | null }>('{ camera(id: "onvif-main-st") { ptz } }');
      return body.data?.camera?.ptz === true;
    }, 10_000, 'the ONVIF camera discovered');
    const camera = await hub.query<{ camera: { name: string; status: string; streams: { url: string }[]; snapshotUrl: string } }>(
      '{ camera(id: "onvif-main-st") { name status streams { url } snapshotUrl } }',
    );
    expect(camera.data?.camera).toMatchObject({ name: 'Main St & Center St (PTZ)', status: 'ONLINE' });
    expect(camera.data?.camera.streams[0]?.url).toBe(device.streamUri('main'));

    const aimed = await hub.query<{ pointCamera: { panDegrees: number; tiltDegrees: number; distanceMeters: number } }>(
      'mutation { pointCamera(cameraId: "onvif-main-st", target: {lat: 33.4152, lon: -111.8305}) { panDegrees tiltDegrees distanceMeters } }',
    );
    expect(aimed.errors).toBeUndefined();
    expect(aimed.data?.pointCamera.panDegrees).toBeCloseTo(90, 1);
    expect(device.moves).toHaveLength(1);
    expect(device.moves[0]?.pan).toBeCloseTo(0.5, 3); // 90° of ±180° → 0.5 in ONVIF's generic space
  });
});
