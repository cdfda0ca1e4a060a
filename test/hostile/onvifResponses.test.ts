import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { OnvifAdapter } from '../../adapters/onvif-device';
import { pollOneOnvifCamera } from './pollOneOnvifCamera';
import { type FakeOnvifDevice, REFERENCE_DEVICE_CLOCK, createFakeOnvifDevice } from '../adapters/onvif-device/createFakeOnvifDevice';
import { readReference, renderDotTemplate } from '../adapters/onvif/onvifReference';
import { CONTROL_CHARACTERS, HOSTILE_SEED, ODD_UNICODE, expectAuditChainIntact, expectHubHealthy, hostileDepth } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * An ONVIF device as an attacker who owns it (or broken firmware) answers: entity expansion,
 * DOCTYPEs, deep and huge documents, NUL and control characters, odd Unicode, truncated XML,
 * other namespaces, stream URIs that are not RTSP or that carry credentials, answers that never
 * come, Profile M analytics. The camera is stored with sane values or the answer is a dead
 * letter with a reason (or a recorded poll failure); the hub stays up; the chain verifies.
 */

const CAMERA_ID = 'hostile-onvif';
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" ' +
  'xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><env:Body>';
const ENVELOPE_CLOSE = '</env:Body></env:Envelope>';
const envelope = (inner: string): string => `${ENVELOPE_OPEN}${inner}${ENVELOPE_CLOSE}`;
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const mediaUri = (operation: 'GetStreamUri' | 'GetSnapshotUri', uri: string, namespace = 'trt'): string =>
  `<${namespace}:${operation}Response><${namespace}:MediaUri><tt:Uri>${uri}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>` +
  `<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></${namespace}:MediaUri></${namespace}:${operation}Response>`;

/** What an answer should become: a stored camera, a dead letter, or either (odd but not wrong input). */
type Expectation = 'stored' | 'dead' | 'either';

interface HostileAnswer {
  readonly label: string;
  readonly operation: 'GetSystemDateAndTime' | 'GetCapabilities' | 'GetProfiles' | 'GetStreamUri' | 'GetSnapshotUri';
  readonly body: (device: FakeOnvifDevice) => string;
  readonly expect: Expectation;
}

const reference = (file: string, device: FakeOnvifDevice): string =>
  renderDotTemplate(readReference(file), {
    hostname: '127.0.0.1',
    port: Number(new URL(device.deviceServiceUrl).port),
    pullPointUrl: '/onvif/subscription?Idx=0',
    now: REFERENCE_DEVICE_CLOCK,
    conditionsHold: true,
  });

const billionLaughs =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
  ']><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>&lol9;</env:Body></env:Envelope>';

const hostileAnswer: fc.Arbitrary<HostileAnswer> = fc.oneof(
  fc.constant<HostileAnswer>({ label: 'billion laughs', operation: 'GetProfiles', body: () => billionLaughs, expect: 'dead' }),
  fc.constant<HostileAnswer>({
    label: 'external entity',
    operation: 'GetStreamUri',
    body: () => `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope(mediaUri('GetStreamUri', '&xxe;')).replace(/^<\?xml[^>]*>/, '')}`,
    expect: 'dead',
  }),
  hostileDepth.map<HostileAnswer>((depth) => ({
    label: `nesting ${depth}`,
    operation: 'GetProfiles',
    body: () => envelope(`<trt:GetProfilesResponse>${'<tt:X>'.repeat(depth)}${'</tt:X>'.repeat(depth)}</trt:GetProfilesResponse>`),
    expect: 'dead',
  })),
  fc.constant<HostileAnswer>({
    label: 'huge body',
    operation: 'GetCapabilities',
    body: (device) => reference('GetCapabilities.xml', device).replace('<SOAP-ENV:Body>', `<SOAP-ENV:Body><!--${'x'.repeat(5 * 1024 * 1024)}-->`),
    expect: 'dead',
  }),
  fc.constantFrom(...CONTROL_CHARACTERS.filter((char) => !'\t\n\r'.includes(char))).map<HostileAnswer>((char) => ({
    label: `U+${char.charCodeAt(0).toString(16)} in the stream URI`,
    operation: 'GetStreamUri',
    body: (device) => envelope(mediaUri('GetStreamUri', escapeXml(`${device.streamUri('main')}${char}x`))),
    expect: 'dead',
  })),
  fc.constantFrom(...ODD_UNICODE.filter((text) => !text.includes('\u0000'))).map<HostileAnswer>((odd) => ({
    label: `${JSON.stringify(odd)} in the stream URI`,
    operation: 'GetStreamUri',
    body: (device) => envelope(mediaUri('GetStreamUri', escapeXml(`${device.streamUri('main')}${odd}`))),
    expect: 'either',
  })),
  fc.constantFrom(...ODD_UNICODE, ...CONTROL_CHARACTERS.slice(0x20)).map<HostileAnswer>((odd) => ({
    label: `${JSON.stringify(odd)} in the profile token`,
    operation: 'GetProfiles',
    body: (device) => reference('GetProfiles.xml', device).replace('token="main"', `token="${escapeXml(`ma${odd}in`)}"`),
    expect: 'either',
  })),
  fc.nat().map<HostileAnswer>((cut) => ({
    label: 'truncated',
    operation: 'GetProfiles',
    body: (device) => {
      const full = reference('GetProfiles.xml', device).trimEnd();
      return full.slice(0, cut % (full.length - 30));
    },
    expect: 'dead',
  })),
  fc.constant<HostileAnswer>({
    label: 'other namespace',
    operation: 'GetStreamUri',
    body: (device) => envelope(mediaUri('GetStreamUri', escapeXml(device.streamUri('main')), 'evil')).replace('<env:Body>', '<env:Body xmlns:evil="urn:evil">'),
    expect: 'either',
  }),
  fc
    .constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'http://127.0.0.1/not-rtsp', 'rtsp://admin:secret@127.0.0.1/live', 'rtsp://admin@127.0.0.1/live', `rtsp://127.0.0.1/${'a'.repeat(5000)}`, 'not a uri')
    .map<HostileAnswer>((uri) => ({ label: `stream URI ${uri.slice(0, 40)}`, operation: 'GetStreamUri', body: () => envelope(mediaUri('GetStreamUri', escapeXml(uri))), expect: 'dead' })),
  fc
    .constantFrom('rtsp://127.0.0.1/snap.jpg', 'http://user:pass@127.0.0.1/snap.jpg', 'data:image/png;base64,AAAA')
    .map<HostileAnswer>((uri) => ({ label: `snapshot URI ${uri}`, operation: 'GetSnapshotUri', body: () => envelope(mediaUri('GetSnapshotUri', escapeXml(uri))), expect: 'dead' })),
  fc.constant<HostileAnswer>({
    label: 'NUL in the clock',
    operation: 'GetSystemDateAndTime',
    body: (device) => reference('GetSystemDateAndTime.xml', device).replace('<tt:Year>', '<tt:Year>\u0000'),
    expect: 'dead',
  }),
  // Profile M: face and body analytics configured on the profile. Never ingested; the camera is.
  fc.constant<HostileAnswer>({
    label: 'Profile M analytics',
    operation: 'GetProfiles',
    body: (device) =>
      reference('GetProfiles.xml', device).replace(
        '</tt:VideoEncoderConfiguration>',
        '</tt:VideoEncoderConfiguration><tt:VideoAnalyticsConfiguration token="va0"><tt:Name>FaceRecognition</tt:Name><tt:UseCount>1</tt:UseCount>' +
          '<tt:AnalyticsEngineConfiguration><tt:AnalyticsModule Name="face" Type="tt:FaceRecognition"><tt:Parameters><tt:SimpleItem Name="Gender" Value="Female"/></tt:Parameters></tt:AnalyticsModule>' +
          '<tt:AnalyticsModule Name="body" Type="tt:HumanBody"/></tt:AnalyticsEngineConfiguration></tt:VideoAnalyticsConfiguration>',
      ),
    expect: 'stored',
  }),
);

interface CameraNode {
  status: string;
  ptz: boolean;
  streams: { url: string; protocol: string }[] | null;
  snapshotUrl: string | null;
}

interface DeadLetterNode {
  id: string;
  reason: string;
  detail: string;
  raw: string;
}

/** A URL an operator's console may be handed: one of `schemes`, no credentials, printable, bounded. */
function expectSaneUrl(text: string, schemes: readonly string[]): void {
  const url = new URL(text);
  expect(schemes).toContain(url.protocol);
  expect(url.username + url.password).toBe('');
  expect(text.length).toBeLessThanOrEqual(2048);
  expect(text).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}]/u);
}

describe.each(STORAGE_TARGETS)('ONVIF device answers under hostile input ($name)', (target) => {
  let device: FakeOnvifDevice;
  let adapter: OnvifAdapter;
  let hub: TestHub;

  beforeAll(async () => {
    device = await createFakeOnvifDevice({ label: 'hostile', password: 'secret' });
    adapter = pollOneOnvifCamera({ cameraId: CAMERA_ID, name: 'Hostile device', deviceServiceUrl: device.deviceServiceUrl, requestTimeoutMs: 400 });
    hub = await startTestHub(target, { adapters: [adapter] });
  });
  afterAll(async () => {
    await hub?.close();
    await device?.close();
  });

  const camera = async (): Promise<CameraNode | null> => {
    const body = await hub.query<{ camera: CameraNode | null }>(`{ camera(id: "${CAMERA_ID}") { status ptz streams { url protocol } snapshotUrl } }`);
    expect(body.errors).toBeUndefined();
    return body.data?.camera ?? null;
  };

  const deadLetters = async (): Promise<DeadLetterNode[]> => {
    const body = await hub.query<{ deadLetters: { edges: { node: DeadLetterNode }[] } }>(
      '{ deadLetters(filter: { source: "onvif" }, first: 100) { edges { node { id reason detail raw } } } }',
    );
    expect(body.errors).toBeUndefined();
    return body.data!.deadLetters.edges.map((edge) => edge.node).reverse();
  };

  /** Resolves once a pass that asked `operation` after now has ended (the next pass has begun). */
  const passAfter = async (operation: string): Promise<void> => {
    const from = device.requests.length;
    await eventually(
      async () => {
        const later = device.requests.slice(from);
        const asked = later.findIndex((request) => request.operation === operation);
        return asked >= 0 && later.slice(asked + 1).some((request) => request.operation === 'GetSystemDateAndTime');
      },
      20_000,
      `a pass through ${operation}`,
    );
  };

  /** Restores the device (with new stream URIs) and waits until the hub holds them: each run starts from a good camera. */
  const recover = async (suffix: string): Promise<void> => {
    for (const operation of ['GetSystemDateAndTime', 'GetCapabilities', 'GetProfiles', 'GetStreamUri', 'GetSnapshotUri']) device.override(operation, null);
    device.setStreamSuffix(suffix);
    await eventually(async () => (await camera())?.streams?.[0]?.url === device.streamUri('main'), 20_000, `the camera back with stream ${suffix}`);
  };

  it('stores the camera with sane values or keeps the answer as a dead letter with a reason, whatever the device answers', async () => {
    await recover('-start');
    let run = 0;
    const seen = { dead: 0, stored: 0 };
    await fc.assert(
      fc.asyncProperty(hostileAnswer, async (answer) => {
        run += 1;
        const before = (await deadLetters()).length;
        device.override(answer.operation, { status: 200, body: answer.body(device) });
        await passAfter(answer.operation);
        await passAfter(answer.operation); // a second pass: a failure repeated is not a second dead letter
        const letters = (await deadLetters()).slice(before);
        const now = await camera();
        if (answer.expect === 'dead') expect({ label: answer.label, letters: letters.length }).toEqual({ label: answer.label, letters: 1 });
        if (answer.expect === 'stored') expect({ label: answer.label, letters }).toEqual({ label: answer.label, letters: [] });
        for (const letter of letters) {
          expect(letter.reason).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          expect(letter.detail).toContain(`camera ${CAMERA_ID}, ${answer.operation}`);
          expect(letter.raw.length).toBeLessThanOrEqual(64 * 1024);
        }
        seen[letters.length > 0 ? 'dead' : 'stored'] += 1;
        // Whatever the answer, what the hub holds is sane: RTSP streams and an HTTP snapshot, without credentials.
        expect(now).not.toBeNull();
        for (const stream of now!.streams ?? []) expectSaneUrl(stream.url, ['rtsp:', 'rtsps:']);
        if (now!.snapshotUrl !== null) expectSaneUrl(now!.snapshotUrl, ['http:', 'https:']);
        expect(JSON.stringify(now)).not.toMatch(/face|body|gender/i);
        await recover(`-r${run}`);
      }),
      { seed: HOSTILE_SEED, numRuns: 20, endOnFailure: true },
    );
    expect(seen.dead).toBeGreaterThan(10);
    expect(seen.stored).toBeGreaterThan(2);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });

  it('records a device that never answers, or answers too slowly, as a poll failure (OFFLINE), and takes it back when it answers', async () => {
    await recover('-before-hang');
    device.hang(true);
    await eventually(async () => (await camera())?.status === 'OFFLINE', 20_000, 'the hanging device OFFLINE');
    await expectHubHealthy(hub);
    device.hang(false);
    await recover('-after-hang');
    expect((await camera())?.status).toBe('ONLINE');
    await expectAuditChainIntact(hub);
  });
});

describe.each(STORAGE_TARGETS)('an ONVIF device that answers a byte at a time ($name)', (target) => {
  let server: Server;
  let hub: TestHub;
  let adapter: OnvifAdapter;
  let opened = 0;
  let closed = 0;

  beforeAll(async () => {
    // Headers at once, then one byte every 50 ms, for ever: only the hub's own timeout ends it.
    server = createServer((request, response) => {
      opened += 1;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/soap+xml' });
      response.write('<');
      const drip = setInterval(() => response.write(' '), 50);
      response.on('close', () => {
        clearInterval(drip);
        closed += 1;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/onvif/device_service`;
    adapter = pollOneOnvifCamera({ cameraId: 'trickle-cam', name: 'Trickling device', deviceServiceUrl: url, requestTimeoutMs: 300 });
    hub = await startTestHub(target, { adapters: [adapter] });
  });
  afterAll(async () => {
    await hub?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up on each answer at the request timeout, records no camera and no dead letter, and stays up', async () => {
    await eventually(async () => closed >= 2, 20_000, 'two trickling exchanges ended by the hub');
    expect(opened - closed).toBeLessThanOrEqual(1); // one exchange at a time, none left hanging
    expect(adapter.status().connected).toBe(false);
    const body = await hub.query<{ camera: unknown; deadLetters: { edges: unknown[] } }>('{ camera(id: "trickle-cam") { id } deadLetters(filter: { source: "onvif" }) { edges { node { id } } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ camera: null, deadLetters: { edges: [] } });
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});
