import pino from 'pino';
import { CITY_FREE_PORTS } from '../support/startTestHub';
import { readHubConfig } from '../../config/hubConfig';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { queryAsSupervisor } from '../support/consoleHub';

const CAMERAS = 30;
const ONVIF_CAMERAS = 2;

/**
 * A hub that reports ready in protocol mode already holds the simulated city's cameras, those of
 * the camera CSV file, the ONVIF devices and the community program alike: the first query a console sends has them. No
 * history is played, so nothing but the start itself could bring the cameras in time (the CSV
 * adapter polls its file every two seconds after it started).
 */
describe('the simulated city in protocol mode, the moment the hub is ready', () => {
  let running: ConfiguredHub;

  beforeAll(async () => {
    running = await createConfiguredHub({
      config: readHubConfig({
        ...CITY_FREE_PORTS,
        SIM_MODE: 'protocols',
        SIM_SEED: '5',
        SIM_UNITS: '3',
        SIM_CAMERAS: String(CAMERAS),
        SIM_ONVIF_CAMERAS: String(ONVIF_CAMERAS),
        SIM_HISTORY_MINUTES: '0',
        AUTH_DEV_KEY_FILE: 'memory',
        PGLITE_DATA_DIR: 'memory',
        RATE_LIMIT_PER_MINUTE: '0',
      }),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
  }, 120_000);
  afterAll(async () => {
    await running?.close();
  });

  it('lists every camera in its first answer, from the CSV file, the ONVIF devices and the community program', async () => {
    const body = await queryAsSupervisor<{ cameras: { edges: { node: { id: string } }[] } }>(running.hub, '{ cameras(first: 100) { edges { node { id } } } }');
    expect(body.errors).toBeUndefined();
    const ids = body.data!.cameras.edges.map(({ node }) => node.id);
    expect(new Set(ids).size).toBe(CAMERAS);
    // City cameras come by the VMS's roads; community cameras only through the program, enrolled before ready.
    expect(ids.filter((id) => !id.startsWith('sim-cameras:') && !id.startsWith('community:'))).toEqual([]);
    expect(ids.some((id) => id.startsWith('sim-cameras:'))).toBe(true);
    expect(ids.some((id) => id.startsWith('community:'))).toBe(true);
  });
});
