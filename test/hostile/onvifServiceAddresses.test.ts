import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollOneOnvifCamera } from './pollOneOnvifCamera';
import { type FakeOnvifDevice, REFERENCE_DEVICE_CLOCK, createFakeOnvifDevice } from '../adapters/onvif-device/createFakeOnvifDevice';
import { readReference, renderDotTemplate } from '../adapters/onvif/onvifReference';
import { expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * Regression: a device's GetCapabilities names the hosts its media and PTZ services live on. A
 * hostile device naming another host had the hub send it its signed requests (SSRF); the hub
 * now keeps every request on the configured device's origin.
 */
describe.each(STORAGE_TARGETS)('ONVIF service addresses from a hostile device ($name)', (target) => {
  let device: FakeOnvifDevice;
  let elsewhere: Server;
  let elsewhereUrl: string;
  const elsewhereRequests: string[] = [];
  let hub: TestHub;

  beforeAll(async () => {
    device = await createFakeOnvifDevice({ label: 'xaddr', password: 'secret' });
    elsewhere = createServer((request, response) => {
      elsewhereRequests.push(request.url ?? '');
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    const port = Number(new URL(device.deviceServiceUrl).port);
    const capabilities = renderDotTemplate(readReference('GetCapabilities.xml'), {
      hostname: '127.0.0.1',
      port,
      pullPointUrl: '/onvif/subscription?Idx=0',
      now: REFERENCE_DEVICE_CLOCK,
      conditionsHold: true,
    }).replaceAll('http://192.168.68.111/onvif/services', `${elsewhereUrl}/onvif/services`);
    device.override('GetCapabilities', { status: 200, body: capabilities });
    const adapter = pollOneOnvifCamera({ cameraId: 'xaddr-cam', name: 'XAddr camera', deviceServiceUrl: device.deviceServiceUrl, requestTimeoutMs: 400 });
    hub = await startTestHub(target, { adapters: [adapter] });
  });
  afterAll(async () => {
    await hub?.close();
    await device?.close();
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  });

  it('sends the media requests to the configured device, never to the host its capabilities name', async () => {
    await eventually(
      async () => (await hub.query<{ camera: { streams: { url: string }[] } | null }>('{ camera(id: "xaddr-cam") { streams { url } } }')).data?.camera?.streams?.[0]?.url === device.streamUri('main'),
      20_000,
      'the camera discovered through its own origin',
    );
    expect(device.requests.some((request) => request.operation === 'GetProfiles' && request.path === '/onvif/services')).toBe(true);
    expect(elsewhereRequests).toEqual([]);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});
