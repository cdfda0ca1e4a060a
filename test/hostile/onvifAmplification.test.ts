import { pollOneOnvifCamera } from './pollOneOnvifCamera';
import { type FakeOnvifDevice, REFERENCE_DEVICE_CLOCK, createFakeOnvifDevice } from '../adapters/onvif-device/createFakeOnvifDevice';
import { readReference, renderDotTemplate } from '../adapters/onvif/onvifReference';
import { expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * Regressions: a hostile device could make each poll thousands of requests (one GetStreamUri and
 * one GetSnapshotUri per profile it lists) and hold the event loop with megabytes of XML.
 */
describe.each(STORAGE_TARGETS)('an ONVIF device that answers too much ($name)', (target) => {
  let device: FakeOnvifDevice;
  let hub: TestHub;
  let profiles: string;

  beforeAll(async () => {
    device = await createFakeOnvifDevice({ label: 'amplify', password: 'secret' });
    const reference = renderDotTemplate(readReference('GetProfiles.xml'), {
      hostname: '127.0.0.1',
      port: Number(new URL(device.deviceServiceUrl).port),
      pullPointUrl: '/onvif/subscription?Idx=0',
      now: REFERENCE_DEVICE_CLOCK,
      conditionsHold: true,
    });
    const main = /<trt:Profiles fixed="true" token="main">[\s\S]*?<\/trt:Profiles>/.exec(reference)![0];
    profiles = reference.replace(main, Array.from({ length: 60 }, (_, i) => main.replace('token="main"', `token="p${i}"`)).join(''));
    device.override('GetProfiles', { status: 200, body: profiles });
    const adapter = pollOneOnvifCamera({ cameraId: 'amplify-cam', name: 'Many profiles', deviceServiceUrl: device.deviceServiceUrl, requestTimeoutMs: 1000 });
    hub = await startTestHub(target, { adapters: [adapter] });
  });
  afterAll(async () => {
    await hub?.close();
    await device?.close();
  });

  const camera = async () =>
    (await hub.query<{ camera: { streams: { url: string }[] } | null }>('{ camera(id: "amplify-cam") { streams { url } } }')).data?.camera ?? null;

  it('asks for the streams of 16 profiles a pass, not of every profile a device lists', async () => {
    await eventually(async () => ((await camera())?.streams.length ?? 0) > 0, 20_000, 'the camera discovered');
    const from = device.requests.length;
    await eventually(async () => device.requests.slice(from).filter((request) => request.operation === 'GetSystemDateAndTime').length >= 2, 20_000, 'a whole pass');
    const pass = device.requests.slice(from);
    const start = pass.findIndex((request) => request.operation === 'GetSystemDateAndTime');
    const end = pass.findIndex((request, i) => i > start && request.operation === 'GetSystemDateAndTime');
    expect(pass.slice(start, end).filter((request) => request.operation === 'GetStreamUri')).toHaveLength(16);
    expect((await camera())?.streams).toHaveLength(16);
    await expectHubHealthy(hub);
  });

  it('refuses an answer over 512 KiB as too large, keeping its head, and stays up', async () => {
    device.override('GetProfiles', { status: 200, body: profiles.replace('<SOAP-ENV:Body>', `<SOAP-ENV:Body><!--${'x'.repeat(600 * 1024)}-->`) });
    await eventually(
      async () =>
        ((await hub.query<{ deadLetters: { edges: { node: { reason: string } }[] } }>('{ deadLetters(filter: { source: "onvif" }) { edges { node { reason } } } }')).data?.deadLetters.edges ?? []).some(
          (edge) => edge.node.reason === 'too-large',
        ),
      20_000,
      'the oversized answer a dead letter',
    );
    const letters = await hub.query<{ deadLetters: { edges: { node: { reason: string; detail: string; raw: string } }[] } }>(
      '{ deadLetters(filter: { source: "onvif", reason: "too-large" }) { edges { node { reason detail raw } } } }',
    );
    const letter = letters.data!.deadLetters.edges[0]!.node;
    expect(letter.detail).toMatch(/camera amplify-cam, GetProfiles: the answer exceeds 524288 bytes/);
    expect(letter.raw.length).toBe(16 * 1024);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});
