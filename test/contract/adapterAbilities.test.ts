import { createAvlAdapter } from '../../adapters/avl';
import { createCameraCsvAdapter } from '../../adapters/camera-csv-file';
import { createRecordingSink } from '../../adapters/conformance';
import { createApcoIncidentCodeTable } from '../../adapters/eido';
import { createEidoHttpAdapter } from '../../adapters/eido-http';
import { createCallFeedAdapter } from '../../adapters/live911-ws';
import { createOnvifAdapter } from '../../adapters/onvif-device';
import { type Adapter, isCameraController, isListening, isReplayable } from '../../contract';

const now = () => new Date();

/** An adapter with only what the contract requires, plus `extra`. */
const adapterWith = (extra: Record<string, unknown>): Adapter =>
  ({
    name: 'bare',
    start: async () => undefined,
    stop: async () => undefined,
    status: () => ({ name: 'bare', connected: false, lastMessageAt: null, accepted: 0, rejected: 0 }),
    ...extra,
  }) as Adapter;

const abilitiesOf = (adapter: Adapter) => ({ replayable: isReplayable(adapter), cameraController: isCameraController(adapter), listening: isListening(adapter) });

describe('the adapter ability guards', () => {
  it('see an ability only where all of its methods are functions', () => {
    expect(abilitiesOf(adapterWith({}))).toEqual({ replayable: false, cameraController: false, listening: false });
    expect(abilitiesOf(adapterWith({ replay: async () => undefined }))).toEqual({ replayable: true, cameraController: false, listening: false });
    expect(abilitiesOf(adapterWith({ endpoints: () => [] }))).toEqual({ replayable: false, cameraController: false, listening: true });
    expect(abilitiesOf(adapterWith({ controls: () => true, aim: async () => ({ panDegrees: 0, tiltDegrees: 0, distanceMeters: 0 }) }))).toMatchObject({ cameraController: true });
    // Half an ability, or a property that is not a method, is no ability.
    expect(isCameraController(adapterWith({ controls: () => true }))).toBe(false);
    expect(isCameraController(adapterWith({ aim: async () => undefined }))).toBe(false);
    expect(isReplayable(adapterWith({ replay: 'yes' }))).toBe(false);
    expect(isListening(adapterWith({ endpoints: ['udp://127.0.0.1:1'] }))).toBe(false);
  });

  it('match what each built-in adapter declares', () => {
    const avl = createAvlAdapter({ udpPort: 0, unitFor: () => undefined, now });
    const eido = createEidoHttpAdapter({ port: 0, codeTable: createApcoIncidentCodeTable(), now, authentication: null });
    const callFeed = createCallFeedAdapter({ url: 'ws://127.0.0.1:9/feed', now });
    const cameraCsv = createCameraCsvAdapter({ files: ['/nonexistent/cameras.csv'], now });
    const onvif = createOnvifAdapter({
      devices: [{ cameraId: 'ptz-1', name: 'PTZ 1', deviceServiceUrl: 'http://127.0.0.1:9/onvif/device_service', username: 'admin', password: 'secret', location: { lat: 33.4, lon: -111.8 } }],
      now,
    });
    expect(abilitiesOf(avl)).toEqual({ replayable: true, cameraController: false, listening: true });
    expect(abilitiesOf(eido)).toEqual({ replayable: true, cameraController: false, listening: true });
    expect(abilitiesOf(callFeed)).toEqual({ replayable: true, cameraController: false, listening: false });
    expect(abilitiesOf(cameraCsv)).toEqual({ replayable: true, cameraController: false, listening: false });
    expect(abilitiesOf(onvif)).toEqual({ replayable: true, cameraController: true, listening: false });
    // The ONVIF adapter controls the cameras of its devices, and no other.
    expect(onvif.controls('ptz-1')).toBe(true);
    expect(onvif.controls('ptz-2')).toBe(false);
  });

  it('let a listening adapter say where it listens while started, and nowhere once stopped', async () => {
    const avl = createAvlAdapter({ udpPort: 0, tcpPort: 0, unitFor: () => undefined, now });
    const eido = createEidoHttpAdapter({ port: 0, codeTable: createApcoIncidentCodeTable(), now, authentication: null });
    expect([avl.endpoints(), eido.endpoints()]).toEqual([[], []]);
    await avl.start(createRecordingSink());
    await eido.start(createRecordingSink());
    try {
      const { udpPort, tcpPort } = avl.addresses();
      expect(avl.endpoints()).toEqual([`udp://127.0.0.1:${udpPort}`, `tcp://127.0.0.1:${tcpPort}`]);
      expect(eido.endpoints()).toEqual([eido.url()]);
      expect(eido.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/eido$/);
    } finally {
      await avl.stop();
      await eido.stop();
    }
    expect(avl.endpoints()).toEqual([]);
    expect(eido.endpoints()).toEqual([]);
  });
});
