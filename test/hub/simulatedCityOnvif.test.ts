import { readFileSync } from 'node:fs';
import pino from 'pino';
import { type SimulatedOnvifDevices } from '../../simulator/devices';
import { destinationPoint } from '../../geo/geodesy';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { readHubConfig } from '../../config/hubConfig';
import { CITY_FREE_PORTS, type GraphQLBody } from '../support/startTestHub';
import { STORAGE_TARGETS, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

const CAMERAS = 60;
const ONVIF_CAMERAS = 3;

/**
 * The hub as `npm start` assembles it, in protocol mode (the default), on free ports: a few of
 * the simulated city's PTZ cameras are ONVIF devices that the onvif adapter polls over HTTP, and
 * the rest come in the camera CSV file.
 */
describe.each(STORAGE_TARGETS)('the simulated city’s ONVIF cameras through the hub ($name)', (target) => {
  const schemaPrefix = uniqueSchemaPrefix();
  let running: ConfiguredHub;
  let onvif: SimulatedOnvifDevices;

  beforeAll(async () => {
    const config = readHubConfig({
      ...CITY_FREE_PORTS,
      DATABASE_SCHEMA_PREFIX: schemaPrefix,
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
      SIM_MODE: 'protocols',
      // Seed 1 starts all three ONVIF cameras online.
      SIM_SEED: '1',
      SIM_UNITS: '4',
      SIM_CAMERAS: String(CAMERAS),
      SIM_ONVIF_CAMERAS: String(ONVIF_CAMERAS),
      ONVIF_POLL_INTERVAL_MS: '100',
      AUTH_DEV_KEY_FILE: 'memory',
      PGLITE_DATA_DIR: 'memory',
      // The checks poll the gateway as one caller, faster than a person would (as startTestHub does).
      RATE_LIMIT_PER_MINUTE: '0',
    });
    running = await createConfiguredHub({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    onvif = running.city!.onvif!;
  });
  afterAll(async () => {
    await running?.close();
    await dropSchemas(target.databaseUrl, schemaPrefix);
  });

  const query = async <T>(text: string, variables: Record<string, unknown> = {}): Promise<GraphQLBody<T>> => {
    const token = await running.hub.issueToken?.({ subject: 'test-supervisor', roles: ['supervisor'] });
    const response = await fetch(running.hub.gatewayUrl, {
      method: 'POST',
      // Streams are restricted: a supervisor with a stated purpose.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'TEST-0001' },
      body: JSON.stringify({ query: text, variables }),
    });
    return (await response.json()) as GraphQLBody<T>;
  };
  interface CameraAnswer {
    camera: { id: string; name: string; ptz: boolean; status: string; streams: { protocol: string; url: string }[]; snapshotUrl: string | null } | null;
  }
  const camera = (id: string) => query<CameraAnswer>('query ($id: ID!) { camera(id: $id) { id name ptz status streams { protocol url } snapshotUrl } }', { id });
  const statusOf = async (id: string) => (await camera(id)).data?.camera?.status;

  it('serves the ONVIF-discovered cameras, named like every simulated camera, beside those of the CSV file', async () => {
    const devices = onvif.devices();
    expect(devices).toHaveLength(ONVIF_CAMERAS);
    for (const device of devices) {
      expect(device.config.cameraId).toBe(`sim-cameras:${device.cameraId}`);
      const body = await camera(device.config.cameraId);
      expect(body.errors).toBeUndefined();
      expect(body.data?.camera).toMatchObject({ id: device.config.cameraId, name: device.config.name, ptz: true, status: 'ONLINE' });
      // Streams as GetStreamUri gave them, one per media profile.
      expect(body.data?.camera?.streams.map((stream) => stream.protocol)).toEqual(['RTSP', 'RTSP']);
      expect(body.data?.camera?.streams[0]?.url).toMatch(new RegExp(`/${device.cameraId}/main$`));
      // The device's own still, which it serves (GetSnapshotUri).
      expect(body.data?.camera?.snapshotUrl).toBe(new URL('/onvif/snapshot.svg', device.config.deviceServiceUrl).href);
    }
    const adapters = await query<{ adapters: { name: string; connected: boolean; accepted: number; rejected: number }[] }>(
      '{ adapters { name connected accepted rejected } }',
    );
    expect(adapters.data?.adapters.find((adapter) => adapter.name === 'onvif')).toMatchObject({ connected: true, rejected: 0 });
    // Every city camera once: the CSV file leaves out the ONVIF cameras rather than naming them twice.
    // (Community cameras come through the program alone, under ids of their own.)
    const csvRows = readFileSync(running.city!.cameraCsvFiles[0]!, 'utf8').trim().split('\n').length - 1;
    const cityCameraIds = async () =>
      (await query<{ cameras: { edges: { node: { id: string } }[] } }>('{ cameras(first: 100) { edges { node { id } } } }')).data?.cameras.edges
        .map(({ node }) => node.id)
        .filter((id) => !id.startsWith('community:')) ?? [];
    await eventually(async () => (await cityCameraIds()).length === csvRows + ONVIF_CAMERAS, 20_000, `all ${csvRows} CSV and ${ONVIF_CAMERAS} ONVIF cameras imported`);
    const ids = await cityCameraIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^sim-cameras:cam-\d{4}$/.test(id))).toBe(true);
    expect(csvRows + ONVIF_CAMERAS).toBeLessThanOrEqual(CAMERAS);
  });

  it('shows a camera going off the network as OFFLINE, and ONLINE again when it is back', async () => {
    const [device] = onvif.devices();
    onvif.setOnline(device!.cameraId, false);
    await onvif.idle();
    await eventually(async () => (await statusOf(device!.config.cameraId)) === 'OFFLINE', 10_000, 'the camera reported OFFLINE');
    onvif.setOnline(device!.cameraId, true);
    await onvif.idle();
    await eventually(async () => (await statusOf(device!.config.cameraId)) === 'ONLINE', 10_000, 'the camera reported ONLINE again');
  });

  it('aims a simulated PTZ camera with pointCamera: the device receives the AbsoluteMove', async () => {
    const device = onvif.devices()[1]!;
    const target = destinationPoint(device.config.location, 200, 150);
    const body = await query<{ pointCamera: { camera: { id: string }; panDegrees: number; tiltDegrees: number; distanceMeters: number } }>(
      'mutation ($id: ID!, $t: GeoPointInput!) { pointCamera(cameraId: $id, target: $t) { camera { id } panDegrees tiltDegrees distanceMeters } }',
      { id: device.config.cameraId, t: target },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.pointCamera.camera.id).toBe(device.config.cameraId);
    expect(body.data?.pointCamera.distanceMeters).toBeCloseTo(150, 0);
    const moved = onvif.devices().find((candidate) => candidate.cameraId === device.cameraId)!;
    expect(moved.commands.map((command) => command.operation)).toEqual(['AbsoluteMove']);
    // The head turned by the angles the API reported (generic ±1 = ±180° pan, ±90° tilt).
    expect(moved.position.pan * 180).toBeCloseTo(body.data!.pointCamera.panDegrees, 3);
    expect(moved.position.tilt * 90).toBeCloseTo(body.data!.pointCamera.tiltDegrees, 3);
  });
});
