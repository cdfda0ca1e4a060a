import pino from 'pino';
import { XMLValidator } from 'fast-xml-parser';
import { readHubConfig } from '../../config/hubConfig';
import { type SimulatedCity, createSimulatedCity } from '../../hub/createSimulatedCity';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

const START = new Date('2026-11-23T19:00:00.000Z');

interface CameraNode {
  id: string;
  name: string;
  source: string;
  snapshotUrl: string | null;
}

/**
 * Every simulated camera that offers stills points at one the simulated city serves on this
 * machine, so a console tile shows a picture with no internet (hub/createSimulatedCity).
 */
describe.each(STORAGE_TARGETS)('the simulated city\'s camera stills ($name)', (target) => {
  let hub: TestHub;
  let city: SimulatedCity;
  let clock = START;

  beforeAll(async () => {
    const config = readHubConfig({ SIM_MODE: 'direct', SIM_CAMERAS: '120', SIM_UNITS: '2', SIM_HISTORY_MINUTES: '0', PGLITE_DATA_DIR: 'memory', AUTH_DEV_KEY_FILE: 'memory' });
    city = await createSimulatedCity(config, pino({ level: 'silent' }), { now: () => clock, schedule: () => () => undefined });
    hub = await startTestHub(target, { now: () => clock, adapters: city.adapters([]) });
    await city.start(hub);
  });
  afterAll(async () => {
    await city?.stop();
    await hub?.close();
  });

  it('serves a well-formed image naming the camera at each city camera\'s snapshotUrl, and another one a second later', async () => {
    const body = await hub.query<{ cameras: { edges: { node: CameraNode }[] } }>('{ cameras(first: 100) { edges { node { id name source snapshotUrl } } } }');
    expect(body.errors).toBeUndefined();
    const cameras = body.data!.cameras.edges.map(({ node }) => node);
    const withStills = cameras.filter((camera) => camera.snapshotUrl !== null);
    // Community cameras' stills are signed links of the program (Camera.access.snapshotUrl), never their own address.
    for (const camera of cameras) expect(camera.snapshotUrl === null).toBe(camera.source !== 'CITY_VMS');
    const sources = new Set(withStills.map((camera) => camera.source));
    expect(sources).toEqual(new Set(['CITY_VMS']));
    for (const source of sources) {
      const camera = withStills.find((candidate) => candidate.source === source)!;
      expect(new URL(camera.snapshotUrl!).hostname).toBe('127.0.0.1');
      clock = START;
      const response = await fetch(camera.snapshotUrl!);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      const first = await response.text();
      expect(XMLValidator.validate(first)).toBe(true);
      expect(first).toContain(`<title>${camera.name.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')}</title>`);
      clock = new Date(START.getTime() + 1000);
      const second = await (await fetch(camera.snapshotUrl!)).text();
      expect(second).not.toBe(first);
    }
  });
});
