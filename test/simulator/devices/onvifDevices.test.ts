import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordingSink } from '../../../adapters/conformance';
import { type CameraDiscovered, type CameraStatusChanged, type DomainEvent } from '../../../contract';
import {
  buildSoapRequest,
  parseSoapResponse,
  type OnvifRequest,
  type OnvifResponseOperation,
} from '../../../adapters/onvif';
import { type OnvifAdapter, createOnvifAdapter } from '../../../adapters/onvif-device';
import { type CitySimulation, createCitySimulation } from '../../../simulator';
import {
  SNAPSHOT_PATH,
  type CameraRow,
  type OnvifDeviceFleet,
  type ProtocolFailure,
  type ProtocolSimulator,
  type SimulatedOnvifDevice,
  type SimulationFailure,
  createOnvifDeviceFleet,
  createProtocolSimulator,
  createSimulatedOnvifDevice,
  onvifDeviceSheetOf,
} from '../../../simulator/devices';
import { destinationPoint, initialBearingDegrees } from '../../../geo/geodesy';

const START = new Date('2026-11-23T15:00:00.000Z');
const city = (): CitySimulation => createCitySimulation({ seed: 3, startAt: START, unitCount: 2, cameraCount: 60, callsPerMinute: 0 });
const rowOf = ({ eventId: _id, source: _source, occurredAt: _at, type: _type, ...row }: CameraDiscovered): CameraRow => row;
const ptzCameras = (simulation: CitySimulation): CameraRow[] =>
  simulation
    .initialEvents()
    .filter((event): event is CameraDiscovered => event.type === 'camera.discovered' && event.ptz && event.cameraSource === 'CITY_VMS')
    .map(rowOf);
const fixedCamera = (simulation: CitySimulation): CameraRow =>
  rowOf(simulation.initialEvents().find((event): event is CameraDiscovered => event.type === 'camera.discovered' && !event.ptz && event.streams.length > 0)!);

const ORIGIN = 'http://127.0.0.1:8080';
const PATHS = { device: '/onvif/device_service', media: '/onvif/media_service', ptz: '/onvif/ptz_service', events: '/onvif/events' } as const;

/** A client of one in-process device, building requests with the hub's ONVIF core (the client side). */
function clientOf(device: SimulatedOnvifDevice, credentials: { username: string; password: string }, clock: () => Date) {
  let nonce = 0;
  const call = <O extends OnvifResponseOperation>(request: Extract<OnvifRequest, { operation: O }>, token: 'digest' | 'none' = 'digest') => {
    const soap = buildSoapRequest({
      request,
      usernameToken: token === 'none' ? null : { ...credentials, now: clock, nonce: () => Buffer.from(`nonce-${(nonce += 1)}`) },
    });
    const answer = device.answer({ path: PATHS[soap.service], contentType: soap.contentType, body: soap.envelope, origin: ORIGIN });
    return { answer, parsed: parseSoapResponse(request.operation as O, answer.body) };
  };
  return { call };
}

const faultCodes = (parsed: { ok: boolean; fault?: { subcodes: readonly string[] } }): readonly string[] => (parsed.ok ? [] : (parsed.fault?.subcodes ?? []));

describe('a simulated ONVIF device (protocol logic)', () => {
  const camera = ptzCameras(city())[0]!;
  const credentials = { username: 'admin', password: 'sim-secret' };
  let deviceNow = new Date('2026-11-23T15:00:00.250Z');
  let device: SimulatedOnvifDevice;
  let client: ReturnType<typeof clientOf>;
  beforeEach(() => {
    deviceNow = new Date('2026-11-23T15:00:00.250Z');
    device = createSimulatedOnvifDevice({ sheet: onvifDeviceSheetOf(camera), ...credentials, now: () => deviceNow });
    client = clientOf(device, credentials, () => deviceNow);
  });

  it('tells anyone its clock, and serves nothing else without a valid UsernameToken digest', () => {
    const clock = client.call({ operation: 'GetSystemDateAndTime' }, 'none').parsed;
    expect(clock).toMatchObject({ ok: true, value: { utc: '2026-11-23T15:00:00.000Z', timeZone: 'MST7', daylightSavings: false } });
    expect(faultCodes(client.call({ operation: 'GetProfiles' }, 'none').parsed)).toEqual(['ter:NotAuthorized']);
    expect(client.call({ operation: 'GetProfiles' }).parsed.ok).toBe(true);

    const wrongPassword = clientOf(device, { ...credentials, password: 'guess' }, () => deviceNow).call({ operation: 'GetProfiles' });
    expect(faultCodes(wrongPassword.parsed)).toEqual(['ter:NotAuthorized']);
    expect(wrongPassword.answer.status).toBe(400);
    const wrongUser = clientOf(device, { ...credentials, username: 'root' }, () => deviceNow).call({ operation: 'GetProfiles' });
    expect(faultCodes(wrongUser.parsed)).toEqual(['ter:NotAuthorized']);
    // A client that stamps its token in its own clock, two minutes off the device's, is refused.
    const skewed = clientOf(device, credentials, () => new Date(deviceNow.getTime() + 120_000)).call({ operation: 'GetProfiles' });
    expect(faultCodes(skewed.parsed)).toEqual(['ter:NotAuthorized']);
    expect(device.counts().refused).toBe(4);
  });

  it('refuses a replayed request (same nonce), and a PasswordText token', () => {
    const soap = buildSoapRequest({
      request: { operation: 'GetProfiles' },
      usernameToken: { ...credentials, now: () => deviceNow, nonce: () => Buffer.from('once') },
    });
    const send = (body: string) => device.answer({ path: PATHS.media, contentType: soap.contentType, body, origin: ORIGIN });
    expect(send(soap.envelope).status).toBe(200);
    expect(faultCodes(parseSoapResponse('GetProfiles', send(soap.envelope).body))).toEqual(['ter:NotAuthorized']);

    const created = deviceNow.toISOString();
    const text = soap.envelope
      .replace(/<wsse:Nonce[^>]*>[^<]*<\/wsse:Nonce>/, `<wsse:Nonce>${Buffer.from('other').toString('base64')}</wsse:Nonce>`)
      .replace(/<wsu:Created>[^<]*<\/wsu:Created>/, `<wsu:Created>${created}</wsu:Created>`)
      .replace(/<wsse:Password Type="[^"]*">[^<]*<\/wsse:Password>/, `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${credentials.password}</wsse:Password>`);
    expect(faultCodes(parseSoapResponse('GetProfiles', send(text).body))).toEqual(['ter:NotAuthorized']);
  });

  it('checks the digest as UsernameToken Profile 1.0 defines it: Base64(SHA-1(nonce + Created + password))', () => {
    const nonce = Buffer.from('0123456789abcdef');
    const created = deviceNow.toISOString();
    const digest = createHash('sha1').update(nonce).update(created).update(credentials.password).digest('base64');
    const body =
      '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>' +
      '<Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken>' +
      `<Username>admin</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</Password>` +
      `<Nonce>${nonce.toString('base64')}</Nonce><Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
      '</UsernameToken></Security></s:Header><s:Body><GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>';
    const answer = device.answer({ path: PATHS.device, contentType: 'application/soap+xml', body, origin: ORIGIN });
    expect(parseSoapResponse('GetDeviceInformation', answer.body)).toMatchObject({ ok: true, value: { manufacturer: 'RTCC Hub simulator', hardwareId: camera.cameraId } });
  });

  it("answers discovery with the camera's own streams and snapshot, each service at its own address", () => {
    const capabilities = client.call({ operation: 'GetCapabilities', category: 'All' }).parsed;
    expect(capabilities).toMatchObject({
      ok: true,
      value: { device: { xaddr: `${ORIGIN}/onvif/device_service` }, media: { xaddr: `${ORIGIN}/onvif/media_service` }, ptz: { xaddr: `${ORIGIN}/onvif/ptz_service` } },
    });
    const profiles = client.call({ operation: 'GetProfiles' }).parsed;
    const rtsp = camera.streams.filter((stream) => stream.protocol === 'RTSP');
    expect(profiles.ok && profiles.value.map((profile) => profile.token)).toEqual(rtsp.map((stream) => stream.profile));
    expect(profiles.ok && profiles.value.map((profile) => profile.ptz !== null)).toEqual(rtsp.map((_stream, index) => index === 0));
    for (const stream of rtsp) {
      expect(client.call({ operation: 'GetStreamUri', profileToken: stream.profile! }).parsed).toMatchObject({ ok: true, value: { uri: stream.url } });
      // The device serves its own still (the camera has one), on its own origin.
      expect(camera.snapshotUrl).not.toBeNull();
      expect(client.call({ operation: 'GetSnapshotUri', profileToken: stream.profile! }).parsed).toMatchObject({ ok: true, value: { uri: `${ORIGIN}${SNAPSHOT_PATH}` } });
    }
    expect(faultCodes(client.call({ operation: 'GetStreamUri', profileToken: 'Profile_9' }).parsed)).toEqual(['ter:InvalidArgVal', 'ter:NoProfile']);
  });

  it('is the same device every time: answers depend only on the camera and the clock', () => {
    const again = createSimulatedOnvifDevice({ sheet: onvifDeviceSheetOf(camera), ...credentials, now: () => deviceNow });
    const otherClient = clientOf(again, credentials, () => deviceNow);
    for (const request of [{ operation: 'GetProfiles' }, { operation: 'GetCapabilities' }, { operation: 'GetPresets', profileToken: 'Profile_1' }] as const) {
      expect(otherClient.call(request).answer.body).toBe(client.call(request).answer.body);
    }
  });

  it('draws its still where the head points: a preset facing south shows the south, and the picture changes', () => {
    const before = device.snapshot();
    expect(before).toMatchObject({ status: 200, contentType: expect.stringMatching(/^image\/svg\+xml/) });
    expect(client.call({ operation: 'GotoPreset', profileToken: 'Profile_1', presetToken: 'Preset_3' }).parsed.ok).toBe(true);
    const after = device.snapshot();
    expect(after.body).not.toBe(before.body);
    expect(after.body).toMatch(/ PTZ 180°</);
    expect(after.body).toContain('>S</text>');
  });

  it('moves its head on AbsoluteMove and GotoPreset, records Stop, and refuses what it cannot do', () => {
    expect(client.call({ operation: 'AbsoluteMove', profileToken: 'Profile_1', position: { pan: 0.5, tilt: -0.25 } }).parsed.ok).toBe(true);
    expect(device.position()).toEqual({ pan: 0.5, tilt: -0.25, zoom: 0 });
    expect(client.call({ operation: 'GetStatus', profileToken: 'Profile_1' }).parsed).toMatchObject({ ok: true, value: { position: { pan: 0.5, tilt: -0.25 } } });

    const presets = client.call({ operation: 'GetPresets', profileToken: 'Profile_1' }).parsed;
    expect(presets.ok && presets.value.map((preset) => preset.name)).toEqual(['North', 'East', 'South', 'West']);
    expect(client.call({ operation: 'GotoPreset', profileToken: 'Profile_1', presetToken: 'Preset_3' }).parsed.ok).toBe(true);
    // Preset "South" faces bearing 180: pan is measured from the camera's heading, ±1 = ±180°.
    const southPan = device.position().pan * 180 + (camera.headingDegrees ?? NaN);
    expect(((southPan % 360) + 360) % 360).toBeCloseTo(180, 3);
    expect(client.call({ operation: 'Stop', profileToken: 'Profile_1', panTilt: true, zoom: true }).parsed.ok).toBe(true);
    expect(device.commands().map((command) => command.operation)).toEqual(['AbsoluteMove', 'GotoPreset', 'Stop']);

    expect(faultCodes(client.call({ operation: 'GotoPreset', profileToken: 'Profile_1', presetToken: 'Preset_9' }).parsed)).toEqual(['ter:InvalidArgVal', 'ter:NoToken']);
    expect(faultCodes(client.call({ operation: 'AbsoluteMove', profileToken: 'Profile_2', position: { pan: 0, tilt: 0 } }).parsed)).toEqual(['ter:InvalidArgVal', 'ter:NoPTZProfile']);
    const outside = buildSoapRequest({ request: { operation: 'AbsoluteMove', profileToken: 'Profile_1', position: { pan: 1, tilt: 0 } }, usernameToken: { ...credentials, now: () => deviceNow, nonce: () => Buffer.from('far') } });
    const far = device.answer({ path: PATHS.ptz, contentType: outside.contentType, body: outside.envelope.replace('x="1"', 'x="1.5"'), origin: ORIGIN });
    expect(faultCodes(parseSoapResponse('AbsoluteMove', far.body))).toEqual(['ter:InvalidArgVal', 'ter:InvalidPosition']);
    expect(device.commands()).toHaveLength(3);
  });

  it('answers what is not for it with a fault or a 404, and malformed XML with ter:WellFormed', () => {
    const soap = buildSoapRequest({ request: { operation: 'GetProfiles' }, usernameToken: { ...credentials, now: () => deviceNow, nonce: () => Buffer.from('x') } });
    const atDevice = device.answer({ path: PATHS.device, contentType: soap.contentType, body: soap.envelope, origin: ORIGIN });
    expect(faultCodes(parseSoapResponse('GetProfiles', atDevice.body))).toEqual(['ter:ActionNotSupported']);
    expect(device.answer({ path: '/cgi-bin/nothing', contentType: null, body: soap.envelope, origin: ORIGIN }).status).toBe(404);
    const broken = device.answer({ path: PATHS.media, contentType: null, body: soap.envelope.slice(0, 200), origin: ORIGIN });
    expect(faultCodes(parseSoapResponse('GetProfiles', broken.body))).toEqual(['ter:WellFormed']);
    const fixed = createSimulatedOnvifDevice({ sheet: onvifDeviceSheetOf(fixedCamera(city())), ...credentials, now: () => deviceNow });
    const fixedCapabilities = clientOf(fixed, credentials, () => deviceNow).call({ operation: 'GetCapabilities' }).parsed;
    expect(fixedCapabilities).toMatchObject({ ok: true, value: { ptz: null } });
  });
});

describe('simulated ONVIF devices on the network, polled and aimed by the hub’s ONVIF adapter', () => {
  const cameras = ptzCameras(city()).slice(0, 3);
  const failures: ProtocolFailure[] = [];
  let fleet: OnvifDeviceFleet;
  let adapter: OnvifAdapter;
  const sink = createRecordingSink();
  const statuses = (cameraId: string) =>
    sink.events.filter((event): event is CameraStatusChanged => event.type === 'camera.statusChanged' && event.cameraId === cameraId).map((event) => event.status);

  beforeAll(async () => {
    // The devices keep simulated time, an hour behind the adapter's clock: it must stamp its tokens in device time.
    fleet = createOnvifDeviceFleet({ cameras, now: () => new Date(Date.now() - 3_600_000), cameraIdOf: (id) => `sim:${id}` }, (failure) => failures.push(failure));
    await fleet.listen();
    adapter = createOnvifAdapter({ devices: fleet.configs(), now: () => new Date(), pollIntervalMs: 20, requestTimeoutMs: 2_000 });
    await adapter.start(sink);
  });
  afterAll(async () => {
    await adapter?.stop();
    await fleet?.close();
  });

  it('discovers every device with the simulated camera’s streams, snapshot and placement, online', () => {
    const discovered = sink.events.filter((event): event is CameraDiscovered => event.type === 'camera.discovered');
    expect(discovered.map((event) => event.cameraId).sort()).toEqual(cameras.map((camera) => `sim:${camera.cameraId}`).sort());
    for (const camera of cameras) {
      const event = discovered.find((candidate) => candidate.cameraId === `sim:${camera.cameraId}`)!;
      const device = fleet.configs().find((config) => config.cameraId === event.cameraId)!;
      const snapshotUrl = new URL(SNAPSHOT_PATH, device.deviceServiceUrl).href;
      expect(event).toMatchObject({ name: camera.name, ptz: true, status: 'ONLINE', snapshotUrl, headingDegrees: camera.headingDegrees, location: { point: camera.location.point } });
      expect(event.streams).toEqual(camera.streams.filter((stream) => stream.protocol === 'RTSP'));
      expect(statuses(event.cameraId)).toEqual(['ONLINE']);
    }
    expect(sink.rejections).toEqual([]);
    expect(fleet.counts()).toMatchObject({ devices: 3, online: 3, refused: 0, failed: 0 });
  });

  it('goes off the network and comes back: the adapter reports the camera OFFLINE, then ONLINE', async () => {
    const [first] = cameras;
    fleet.setOnline(first!.cameraId, false);
    await fleet.idle();
    expect(fleet.devices().find((device) => device.cameraId === first!.cameraId)?.online).toBe(false);
    await sink.until(() => statuses(`sim:${first!.cameraId}`).includes('OFFLINE'));
    fleet.setOnline(first!.cameraId, true);
    await fleet.idle();
    await sink.until(() => statuses(`sim:${first!.cameraId}`).length === 3);
    expect(statuses(`sim:${first!.cameraId}`)).toEqual(['ONLINE', 'OFFLINE', 'ONLINE']);
    expect(failures).toEqual([]);
  });

  it('takes the PTZ commands the adapter sends: an aim turns the head towards the target', async () => {
    const camera = cameras[1]!;
    const target = destinationPoint(camera.location.point, 75, 120);
    const aimed = await adapter.aim(`sim:${camera.cameraId}`, target);
    const device = fleet.devices().find((candidate) => candidate.cameraId === camera.cameraId)!;
    expect(device.commands.map((command) => command.operation)).toEqual(['AbsoluteMove']);
    expect(device.position.pan).toBeCloseTo(aimed.pan, 6);
    expect(device.position.tilt).toBeCloseTo(aimed.tilt, 6);
    // Where the head now faces, read back from the device alone: the bearing to the target.
    const facing = (device.position.pan * 180 + camera.headingDegrees! + 360) % 360;
    expect(facing).toBeCloseTo(initialBearingDegrees(camera.location.point, target), 3);
    expect(device.position.tilt * 90).toBeCloseTo((-Math.atan(camera.mountHeightMeters! / 120) * 180) / Math.PI, 2);

    await adapter.gotoPreset(`sim:${camera.cameraId}`, 'Preset_2');
    await adapter.stopMotion(`sim:${camera.cameraId}`);
    const after = fleet.devices().find((candidate) => candidate.cameraId === camera.cameraId)!;
    expect(after.commands.map((command) => `${command.operation}:${command.presetToken ?? ''}`)).toEqual(['AbsoluteMove:', 'GotoPreset:Preset_2', 'Stop:']);
  });
});

describe('createProtocolSimulator with ONVIF devices', () => {
  const directory = mkdtempSync(join(tmpdir(), 'protocol-sim-onvif-'));
  const cameraCsvPath = join(directory, 'sim-cameras.csv');
  const failures: (ProtocolFailure | SimulationFailure)[] = [];
  const scripted: DomainEvent[] = [];
  let simulator: ProtocolSimulator;
  let nowMs = START.getTime();
  const jobs: (() => void)[] = [];

  beforeAll(async () => {
    const real = city();
    const simulation: CitySimulation = { ...real, advance: (toTime) => [...real.advance(toTime), ...scripted.splice(0)] };
    simulator = createProtocolSimulator({
      simulation,
      now: () => new Date(nowMs),
      schedule: (_everyMs, fn) => {
        jobs.push(fn);
        return () => undefined;
      },
      cameraCsvPath,
      onvif: { cameras: 2, cameraIdOf: (id) => `sim-cameras:${id}` },
      onError: (failure) => failures.push(failure),
    });
    await simulator.listen();
    await simulator.start();
    await simulator.idle();
  });
  afterAll(async () => {
    await simulator?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const tick = async () => {
    nowMs += 1000;
    for (const job of jobs) job();
    await simulator.idle();
  };

  it('makes the first PTZ city cameras ONVIF devices, named as the CSV names cameras, and leaves them out of the CSV', () => {
    const onvif = simulator.onvif()!;
    const chosen = ptzCameras(city())
      .filter((camera) => camera.streams.some((stream) => stream.protocol === 'RTSP'))
      .slice(0, 2)
      .map((camera) => camera.cameraId);
    expect(onvif.devices().map((device) => device.cameraId)).toEqual(chosen);
    expect(onvif.configs().map((config) => config.cameraId)).toEqual(chosen.map((id) => `sim-cameras:${id}`));
    const csv = readFileSync(cameraCsvPath, 'utf8');
    for (const id of chosen) expect(csv).not.toContain(`\r\n${id},`);
    expect(csv.split('\r\n').filter((line) => line.startsWith('cam-'))).toHaveLength(60 - 2);
    expect(simulator.status().notCarried['camera.discovered']).toBeUndefined();
  });

  it('takes a device off the network when the simulation says the camera went offline, and back when it returns', async () => {
    const [device] = simulator.onvif()!.devices();
    const change = (status: 'ONLINE' | 'OFFLINE'): CameraStatusChanged => ({
      type: 'camera.statusChanged',
      eventId: `scripted-${status}`,
      source: 'simulator',
      occurredAt: new Date(nowMs).toISOString(),
      cameraId: device!.cameraId,
      status,
    });
    expect(device!.online).toBe(true);
    scripted.push(change('OFFLINE'));
    await tick();
    expect(simulator.onvif()!.devices()[0]!.online).toBe(false);
    await expect(fetch(device!.config.deviceServiceUrl, { method: 'POST', body: '' })).rejects.toThrow();
    scripted.push(change('ONLINE'));
    await tick();
    expect(simulator.onvif()!.devices()[0]!.online).toBe(true);
    expect(simulator.status().onvif).toMatchObject({ devices: 2, online: 2, failed: 0 });
    expect(simulator.status().notCarried['camera.statusChanged']).toBeUndefined();
    expect(failures).toEqual([]);
  });
});
