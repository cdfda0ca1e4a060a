import { createRecordingSink, type RecordingSink } from '../../../adapters/conformance';
import { type CameraDiscovered, type CameraStatusChanged, type DomainEvent, type EventSink } from '../../../contract';
import { aimCamera, faultHasSubcode } from '../../../adapters/onvif';
import {
  type OnvifDeviceErrorCode,
  OnvifDeviceError,
  createOnvifAdapter,
  type OnvifAdapter,
  type OnvifAdapterOptions,
  type OnvifDeviceConfig,
} from '../../../adapters/onvif-device';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { destinationPoint } from '../../../geo/geodesy';
import { readReference } from '../onvif/onvifReference';
import { createFakeOnvifDevice, soapFault, type FakeOnvifDevice, type FakeOnvifDeviceOptions } from './createFakeOnvifDevice';

const MAST = { lat: 33.4152, lon: -111.8315 };
const PASSWORD = 'correct horse';

let devices: FakeOnvifDevice[] = [];
let adapters: OnvifAdapter[] = [];
afterEach(async () => {
  await Promise.all(adapters.map((adapter) => adapter.stop()));
  await Promise.all(devices.map((device) => device.close()));
  adapters = [];
  devices = [];
});

async function fakeDevice(options: Partial<FakeOnvifDeviceOptions> & { label: string }): Promise<FakeOnvifDevice> {
  const device = await createFakeOnvifDevice({ password: PASSWORD, ...options });
  devices.push(device);
  return device;
}

function configFor(device: FakeOnvifDevice, cameraId: string, overrides: Partial<OnvifDeviceConfig> = {}): OnvifDeviceConfig {
  return {
    cameraId,
    name: `Camera ${cameraId}`,
    deviceServiceUrl: device.deviceServiceUrl,
    username: 'admin',
    password: PASSWORD,
    location: MAST,
    headingDegrees: 90,
    fieldOfViewDegrees: 60,
    rangeMeters: 150,
    mountHeightMeters: 10,
    ...overrides,
  };
}

function adapterFor(configs: readonly OnvifDeviceConfig[], options: Partial<OnvifAdapterOptions> = {}): OnvifAdapter {
  const adapter = createOnvifAdapter({ devices: configs, now: () => new Date(), pollIntervalMs: 60_000, requestTimeoutMs: 2_000, ...options });
  adapters.push(adapter);
  return adapter;
}

const discovered = (sink: RecordingSink, cameraId?: string): CameraDiscovered[] =>
  sink.events.filter((event): event is CameraDiscovered => event.type === 'camera.discovered' && (cameraId === undefined || event.cameraId === cameraId));
const statuses = (sink: RecordingSink, cameraId: string): string[] =>
  sink.events
    .filter((event): event is CameraStatusChanged => event.type === 'camera.statusChanged' && event.cameraId === cameraId)
    .map((event) => event.status);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectDeviceError(promise: Promise<unknown>, code: OnvifDeviceErrorCode): Promise<OnvifDeviceError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OnvifDeviceError);
  expect((error as OnvifDeviceError).code).toBe(code);
  return error as OnvifDeviceError;
}

describe('onvif device adapter: discovery', () => {
  it('discovers two devices: one camera.discovered each, with their own streams, snapshot and PTZ', async () => {
    const dome = await fakeDevice({ label: 'dome' });
    const fixed = await fakeDevice({ label: 'fixed', ptz: false, subProfile: true });
    const adapter = adapterFor([configFor(dome, 'cam-dome'), configFor(fixed, 'cam-fixed', { headingDegrees: null, cameraSource: 'COMMUNITY_LIVE' })]);
    const sink = createRecordingSink();
    await adapter.start(sink);

    expect(discovered(sink).map((event) => event.cameraId).sort()).toEqual(['cam-dome', 'cam-fixed']);
    expect(discovered(sink, 'cam-dome')[0]).toMatchObject({
      source: 'onvif',
      name: 'Camera cam-dome',
      cameraSource: 'CITY_VMS',
      location: { point: MAST },
      headingDegrees: 90,
      mountHeightMeters: 10,
      ptz: true,
      status: 'ONLINE',
      streams: [{ protocol: 'RTSP', url: dome.streamUri('main'), profile: 'main' }],
      snapshotUrl: dome.snapshotUri('main'),
    });
    // The sub profile comes first from the device; the main (higher-resolution) stream is listed first.
    expect(discovered(sink, 'cam-fixed')[0]).toMatchObject({
      cameraSource: 'COMMUNITY_LIVE',
      headingDegrees: null,
      ptz: false,
      streams: [
        { protocol: 'RTSP', url: fixed.streamUri('main'), profile: 'main' },
        { protocol: 'RTSP', url: fixed.streamUri('sub'), profile: 'sub' },
      ],
      snapshotUrl: fixed.snapshotUri('main'),
    });
    expect(dome.streamUri('main')).not.toBe(fixed.streamUri('main'));
    expect(statuses(sink, 'cam-dome')).toEqual(['ONLINE']);
    expect(statuses(sink, 'cam-fixed')).toEqual(['ONLINE']);
    expect(sink.rejections).toEqual([]);
    expect(adapter.status()).toMatchObject({ name: 'onvif', connected: true, accepted: 4, rejected: 0 });
  });

  it('asks in order, GetSystemDateAndTime without a token and everything else with an accepted one, at the XAddrs from GetCapabilities', async () => {
    const device = await fakeDevice({ label: 'a', subProfile: true });
    const sink = createRecordingSink();
    await adapterFor([configFor(device, 'cam-a')]).start(sink);
    expect(device.requests.map((request) => [request.operation, request.token, request.path])).toEqual([
      ['GetSystemDateAndTime', 'none', '/onvif/device_service'],
      ['GetCapabilities', 'accepted', '/onvif/device_service'],
      ['GetProfiles', 'accepted', '/onvif/services'],
      ['GetStreamUri', 'accepted', '/onvif/services'],
      ['GetSnapshotUri', 'accepted', '/onvif/services'],
      ['GetStreamUri', 'accepted', '/onvif/services'],
      ['GetSnapshotUri', 'accepted', '/onvif/services'],
    ]);
  });

  it('stamps WS-Security Created in device time: a local clock hours off still authenticates', async () => {
    // The fake device's clock says 2014 and it refuses tokens more than 30 s off its own time.
    const device = await fakeDevice({ label: 'skewed' });
    const sink = createRecordingSink();
    await adapterFor([configFor(device, 'cam-skewed')], { now: () => new Date(Date.now() + 5 * 3600_000) }).start(sink);
    expect(discovered(sink)).toHaveLength(1);
    expect(device.requests.filter((request) => request.token === 'refused')).toEqual([]);
  });

  it('emits nothing new while nothing changes, and a new camera.discovered when the device changes (A → B → A gets three ids)', async () => {
    const device = await fakeDevice({ label: 'a' });
    const adapter = adapterFor([configFor(device, 'cam-a')], { pollIntervalMs: 20 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await sink.until(() => device.requests.filter((request) => request.operation === 'GetProfiles').length >= 4);
    expect(sink.events.map((event) => event.type)).toEqual(['camera.discovered', 'camera.statusChanged']);

    device.setStreamSuffix('-v2');
    await sink.until((s) => discovered(s).length === 2);
    device.setStreamSuffix('');
    await sink.until((s) => discovered(s).length === 3);
    const [first, second, third] = discovered(sink);
    expect(second?.streams[0]?.url).toBe(device.streamUri('main').replace('main', 'main-v2'));
    expect(third?.streams).toEqual(first?.streams);
    expect(new Set([first?.eventId, second?.eventId, third?.eventId]).size).toBe(3);
    expect(statuses(sink, 'cam-a')).toEqual(['ONLINE']);
  });

  it('gives a camera.discovered the same event id after a restart when nothing changed', async () => {
    const device = await fakeDevice({ label: 'a' });
    const adapter = adapterFor([configFor(device, 'cam-a')]);
    const sink = createRecordingSink();
    await adapter.start(sink);
    await adapter.stop();
    const again = createRecordingSink();
    await adapter.start(again);
    expect(discovered(again).map((event) => event.eventId)).toEqual(discovered(sink).map((event) => event.eventId));
  });
});

describe('onvif device adapter: status and failures', () => {
  it('reports a device that goes down OFFLINE once and ONLINE once when it is back; the other device is untouched', async () => {
    const flaky = await fakeDevice({ label: 'flaky' });
    const steady = await fakeDevice({ label: 'steady' });
    const adapter = adapterFor([configFor(flaky, 'cam-flaky'), configFor(steady, 'cam-steady')], { pollIntervalMs: 20, requestTimeoutMs: 500 });
    const sink = createRecordingSink();
    await adapter.start(sink);

    await flaky.goDown();
    await sink.until((s) => statuses(s, 'cam-flaky').length === 2);
    // Several failed polls later, still one OFFLINE; and the other device went on answering.
    const steadyPolls = steady.requests.length;
    await sleep(300);
    expect(statuses(sink, 'cam-flaky')).toEqual(['ONLINE', 'OFFLINE']);
    expect(steady.requests.length).toBeGreaterThan(steadyPolls);
    expect(adapter.status().connected).toBe(true);

    await flaky.comeBack();
    await sink.until((s) => statuses(s, 'cam-flaky').length === 3, 5_000);
    await sleep(100);
    expect(statuses(sink, 'cam-flaky')).toEqual(['ONLINE', 'OFFLINE', 'ONLINE']);
    expect(statuses(sink, 'cam-steady')).toEqual(['ONLINE']);
    // Nothing about the camera changed, so no second camera.discovered; a connection error leaves no dead letter.
    expect(discovered(sink, 'cam-flaky')).toHaveLength(1);
    expect(sink.rejections).toEqual([]);
  });

  it('backs off exponentially while a device is down, capped at ten intervals, and notices its return', async () => {
    const device = await fakeDevice({ label: 'down' });
    device.override('GetSystemDateAndTime', { status: 503, body: '' });
    const adapter = adapterFor([configFor(device, 'cam-down')], { pollIntervalMs: 25 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await sleep(1_000);
    // Polls at 0, 25, 75, 175, 375, then every 250 ms (the cap): 7 in a second, where a steady pace would make 40.
    const attempts = device.requests.filter((request) => request.operation === 'GetSystemDateAndTime').length;
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(attempts).toBeLessThanOrEqual(9);
    expect(statuses(sink, 'cam-down')).toEqual(['OFFLINE']);
    device.override('GetSystemDateAndTime', null);
    const back = Date.now();
    await sink.until((s) => statuses(s, 'cam-down').length === 2);
    expect(Date.now() - back).toBeLessThan(1_000);
    expect(statuses(sink, 'cam-down')).toEqual(['OFFLINE', 'ONLINE']);
  });

  it('reports HTTP 5xx without a SOAP Fault as OFFLINE, but a SOAP Fault sent with HTTP 500 as a rejection', async () => {
    const broken = await fakeDevice({ label: 'broken' });
    const faulty = await fakeDevice({ label: 'faulty' });
    broken.override('GetCapabilities', { status: 503, body: '<html><body>Service Unavailable</body></html>' });
    faulty.override('GetCapabilities', { status: 500, body: soapFault('env:Receiver', ['ter:Action'], 'Internal error') });
    const sink = createRecordingSink();
    await adapterFor([configFor(broken, 'cam-broken'), configFor(faulty, 'cam-faulty')]).start(sink);
    expect(statuses(sink, 'cam-broken')).toEqual(['OFFLINE']);
    expect(statuses(sink, 'cam-faulty')).toEqual([]);
    expect(sink.rejections.map((rejection) => [rejection.reason, rejection.detail])).toEqual([
      ['soap-fault', expect.stringMatching(/^camera cam-faulty, GetCapabilities: .*ter:Action: Internal error/)],
    ]);
  });

  it('turns a SOAP Fault and a malformed body into rejections with the raw answer and the operation; the other device is unaffected', async () => {
    const faulting = await fakeDevice({ label: 'faulting' });
    const garbling = await fakeDevice({ label: 'garbling' });
    const healthy = await fakeDevice({ label: 'healthy' });
    const errorXml = readReference('Error.xml');
    const truncated = readReference('GetStreamUri.xml').slice(0, 1800);
    faulting.override('GetProfiles', { status: 400, body: errorXml });
    garbling.override('GetStreamUri', { status: 200, body: truncated });
    const adapter = adapterFor(
      [configFor(faulting, 'cam-faulting'), configFor(garbling, 'cam-garbling'), configFor(healthy, 'cam-healthy')],
      { pollIntervalMs: 20 },
    );
    const sink = createRecordingSink();
    await adapter.start(sink);

    expect(discovered(sink).map((event) => event.cameraId)).toEqual(['cam-healthy']);
    const byCamera = (cameraId: string) => sink.rejections.filter((rejection) => rejection.detail.startsWith(`camera ${cameraId},`));
    expect(byCamera('cam-faulting')).toEqual([
      {
        source: 'onvif',
        reason: 'soap-fault',
        detail: expect.stringMatching(/^camera cam-faulting, GetProfiles: the device answered SOAP 1\.2 Fault fault code \/ ter:fault subcode/),
        raw: errorXml,
        receivedAt: expect.any(String),
      },
    ]);
    expect(byCamera('cam-garbling')).toEqual([
      expect.objectContaining({ reason: 'malformed-xml', detail: expect.stringContaining('GetStreamUri'), raw: truncated }),
    ]);

    // Failing the same way poll after poll leaves one dead letter each; a reachable device is not marked OFFLINE.
    await sink.until(() => faulting.requests.filter((request) => request.operation === 'GetProfiles').length >= 3);
    expect(sink.rejections).toHaveLength(2);
    expect(adapter.status().rejected).toBe(2);
    expect(statuses(sink, 'cam-faulting')).toEqual([]);
    expect(statuses(sink, 'cam-healthy')).toEqual(['ONLINE']);

    // Once fixed, the device is discovered on a later poll.
    faulting.override('GetProfiles', null);
    await sink.until((s) => discovered(s, 'cam-faulting').length === 1, 5_000);
  });

  it('refuses a wrong password: a rejection naming NotAuthorized, the camera OFFLINE, nothing discovered', async () => {
    const device = await fakeDevice({ label: 'locked' });
    const other = await fakeDevice({ label: 'open' });
    const sink = createRecordingSink();
    const adapter = adapterFor([configFor(device, 'cam-locked', { password: 'wrong' }), configFor(other, 'cam-open')]);
    await adapter.start(sink);
    expect(device.requests.map((request) => [request.operation, request.token])).toEqual([
      ['GetSystemDateAndTime', 'none'],
      ['GetCapabilities', 'refused'],
    ]);
    expect(sink.rejections).toEqual([
      expect.objectContaining({
        reason: 'soap-fault',
        detail: expect.stringMatching(/^camera cam-locked, GetCapabilities: .*ter:NotAuthorized: Sender not Authorized/),
        raw: expect.stringContaining('NotAuthorized'),
      }),
    ]);
    expect(statuses(sink, 'cam-locked')).toEqual(['OFFLINE']);
    expect(discovered(sink).map((event) => event.cameraId)).toEqual(['cam-open']);
  });

  it('a device that never answers delays no other: the healthy one is discovered long before the hung one times out', async () => {
    const hung = await fakeDevice({ label: 'hung' });
    const healthy = await fakeDevice({ label: 'healthy' });
    hung.hang(true);
    const times = new Map<string, number>();
    const inner = createRecordingSink();
    const sink: EventSink = {
      emit: async (event: DomainEvent) => {
        times.set(`${event.type}:${'cameraId' in event ? event.cameraId : ''}`, Date.now());
        await inner.emit(event);
      },
      reject: (rejection) => inner.reject(rejection),
    };
    const adapter = adapterFor([configFor(hung, 'cam-hung'), configFor(healthy, 'cam-healthy')], { requestTimeoutMs: 1_000 });
    const started = Date.now();
    await adapter.start(sink);
    expect(times.get('camera.discovered:cam-healthy')! - started).toBeLessThan(500);
    expect(times.get('camera.statusChanged:cam-hung')! - started).toBeGreaterThanOrEqual(950);
    expect(statuses(inner, 'cam-hung')).toEqual(['OFFLINE']);
  });
});

describe('onvif device adapter: PTZ', () => {
  async function started(configOverrides: Partial<OnvifDeviceConfig> = {}, deviceOptions: Partial<FakeOnvifDeviceOptions> = {}) {
    const device = await fakeDevice({ label: 'ptz', ...deviceOptions });
    const adapter = adapterFor([configFor(device, 'cam-ptz', configOverrides)]);
    await adapter.start(createRecordingSink());
    return { device, adapter };
  }

  it('aim() sends AbsoluteMove in the generic space with the pan and tilt aimCamera computes', async () => {
    const { device, adapter } = await started();
    const target = destinationPoint(MAST, 135, 80);
    const result = await adapter.aim('cam-ptz', target);
    const expected = aimCamera({ camera: { point: MAST, headingDegrees: 90, mountHeightMeters: 10 }, target });
    expect(result).toMatchObject({
      cameraId: 'cam-ptz',
      profileToken: 'main',
      operation: 'AbsoluteMove',
      httpStatus: 200,
      panDegrees: expected.panDegrees,
      tiltDegrees: expected.tiltDegrees,
      pan: expected.pan,
      tilt: expected.tilt,
      clamped: false,
    });
    expect(result.panDegrees).toBeCloseTo(45, 6);
    expect(result.answer).toContain('AbsoluteMoveResponse');
    expect(device.moves).toHaveLength(1);
    const [move] = device.moves;
    expect(move?.profileToken).toBe('main');
    expect(move?.space).toBe('http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace');
    expect(move?.pan).toBeCloseTo(expected.pan, 6);
    expect(move?.tilt).toBeCloseTo(expected.tilt, 6);
    expect(device.requests.at(-1)?.token).toBe('accepted');
  });

  it('gotoPreset() and stopMotion() reach the device; an unknown preset is a device fault carrying the SOAP Fault', async () => {
    const { device, adapter } = await started();
    await expect(adapter.gotoPreset('cam-ptz', 'Home')).resolves.toMatchObject({ operation: 'GotoPreset', profileToken: 'main', httpStatus: 200 });
    await expect(adapter.stopMotion('cam-ptz')).resolves.toMatchObject({ operation: 'Stop', answer: expect.stringContaining('StopResponse') });
    expect(device.commands).toEqual([
      { operation: 'GotoPreset', profileToken: 'main', presetToken: 'Home' },
      { operation: 'Stop', profileToken: 'main', presetToken: null },
    ]);
    const error = await expectDeviceError(adapter.gotoPreset('cam-ptz', 'Nowhere'), 'device-fault');
    expect(error.fault !== null && faultHasSubcode(error.fault, 'NoToken')).toBe(true);
    expect(error.raw).toContain('No such preset');
    expect(error.message).toMatch(/camera cam-ptz answered GotoPreset/);
  });

  it('raises typed errors: unknown camera, not PTZ, not calibrated, bad target, bad preset token, unreachable, not started', async () => {
    const { device, adapter } = await started({ mountHeightMeters: null });
    await expectDeviceError(adapter.aim('nope', MAST), 'unknown-camera');
    await expectDeviceError(adapter.aim('cam-ptz', MAST), 'not-calibrated');
    await expectDeviceError(adapter.gotoPreset('cam-ptz', 'x'.repeat(65)), 'bad-input');

    const fixed = await fakeDevice({ label: 'fixed', ptz: false });
    const aimable = await fakeDevice({ label: 'aimable' });
    const second = adapterFor([configFor(fixed, 'cam-fixed'), configFor(aimable, 'cam-aimable')]);
    await expectDeviceError(second.aim('cam-aimable', MAST), 'not-started');
    await second.start(createRecordingSink());
    await expectDeviceError(second.aim('cam-fixed', MAST), 'not-ptz');
    await expectDeviceError(second.aim('cam-aimable', { lat: 91, lon: 0 }), 'bad-input');
    await aimable.goDown();
    const unreachable = await expectDeviceError(second.aim('cam-aimable', MAST), 'device-unreachable');
    expect(unreachable.message).toMatch(/camera cam-aimable did not answer AbsoluteMove: connection failed: ECONNREFUSED/);
    expect(device.moves).toEqual([]);
  });
});

describe('onvif device adapter: the conformance properties with several devices', () => {
  // onvifAdapterConformance.test.ts runs the shared suite against one polled device; these
  // check the same properties where several devices answer, fail and stop independently.

  it('reports itself connected once started, under the name it carries, and only emits contract-valid events', async () => {
    const a = await fakeDevice({ label: 'a' });
    const b = await fakeDevice({ label: 'b', ptz: false, subProfile: true });
    const adapter = adapterFor([configFor(a, 'cam-a'), configFor(b, 'cam-b')], { name: 'vms-east', pollIntervalMs: 20 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await a.goDown();
    await sink.until((s) => statuses(s, 'cam-a').includes('OFFLINE'));
    expect(adapter.status()).toMatchObject({ name: 'vms-east', connected: true });
    expect(sink.events.length).toBeGreaterThanOrEqual(5);
    for (const event of sink.events) {
      const verdict = validateDomainEvent(event);
      expect(verdict.ok ? 'valid' : `${verdict.reason}: ${verdict.detail}`).toBe('valid');
      expect(event.source).toBe('vms-east');
    }
    // No camera goes back in time.
    for (const cameraId of ['cam-a', 'cam-b']) {
      const times = sink.events.filter((event) => 'cameraId' in event && event.cameraId === cameraId).map((event) => Date.parse(event.occurredAt));
      expect(times).toEqual([...times].sort((x, y) => x - y));
    }
  });

  it('notices when every device is lost and recovers on its own', async () => {
    const device = await fakeDevice({ label: 'only' });
    const adapter = adapterFor([configFor(device, 'cam-only')], { pollIntervalMs: 20 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(adapter.status().connected).toBe(true);
    await device.goDown();
    await sink.until(() => !adapter.status().connected);
    await device.comeBack();
    await sink.until(() => adapter.status().connected, 5_000);
    expect(adapter.status().lastMessageAt).not.toBeNull();
  });

  it('stops cleanly: in-flight requests are abandoned, nothing is emitted after stop, and it reports itself disconnected', async () => {
    const device = await fakeDevice({ label: 'slow' });
    const adapter = adapterFor([configFor(device, 'cam-slow')], { pollIntervalMs: 20, requestTimeoutMs: 10_000 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    device.hang(true);
    await sleep(100);
    const before = sink.events.length;
    const stopping = Date.now();
    await adapter.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(adapter.status().connected).toBe(false);
    device.hang(false);
    await sleep(100);
    expect(sink.events.length).toBe(before);
  });

  it('cannot replay a dead letter, and says why', async () => {
    const adapter = adapterFor([]);
    const error = await expectDeviceError(adapter.replay(readReference('Error.xml')), 'not-replayable');
    expect(error.message).toMatch(/next poll/);
  });

  it('checks its configuration where it enters', async () => {
    const device = await fakeDevice({ label: 'cfg' });
    const good = configFor(device, 'cam-1');
    const build = (configs: readonly OnvifDeviceConfig[], options: Partial<OnvifAdapterOptions> = {}) => () =>
      createOnvifAdapter({ devices: configs, now: () => new Date(), ...options });
    expect(build([good, good])).toThrow(/configured twice/);
    expect(build([{ ...good, deviceServiceUrl: 'ftp://camera' }])).toThrow(/deviceServiceUrl/);
    expect(build([{ ...good, headingDegrees: 400 }])).toThrow(/headingDegrees/);
    expect(build([{ ...good, location: { lat: 95, lon: 0 } }])).toThrow(OnvifDeviceError);
    expect(build([{ ...good, username: '' }])).toThrow(/username/);
    expect(build([good], { pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    expect(build([good])).not.toThrow();
  });
});
