import { loadCityFixture } from '../support/cityFixture';
import { FLAGSHIP_QUERY } from '../../schema/flagshipQuery';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

interface Partial {
  incident: { number: string; nearbyUnits: unknown[] | null; nearbyCameras: unknown[] | null } | null;
}

describe.each(STORAGE_TARGETS)('a subgraph that is down ($name)', (target) => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('leaves the rest of the answer intact and names the missing subgraph', async () => {
    const before = await hub.query<Partial>(FLAGSHIP_QUERY, { id: 'inc-1' });
    expect(before.errors).toBeUndefined();
    expect(before.data?.incident?.nearbyCameras?.length).toBeGreaterThan(0);

    await hub.stopSubgraph('cameras');
    const withoutCameras = await hub.query<Partial>(FLAGSHIP_QUERY, { id: 'inc-1' });
    expect(withoutCameras.data?.incident?.number).toBe('MPD2611230001');
    expect(withoutCameras.data?.incident?.nearbyUnits).toHaveLength(5);
    expect(withoutCameras.data?.incident?.nearbyCameras).toBeNull();
    expect(withoutCameras.errors?.length).toBeGreaterThan(0);
    for (const error of withoutCameras.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'cameras' });
      expect(error.message).toBe('Subgraph "cameras" is unavailable');
    }

    await hub.stopSubgraph('avl');
    const withoutAvl = await hub.query<Partial>(FLAGSHIP_QUERY, { id: 'inc-1' });
    expect(withoutAvl.data?.incident?.number).toBe('MPD2611230001');
    expect(withoutAvl.data?.incident?.nearbyUnits).toBeNull();
    expect(new Set(withoutAvl.errors?.map((error) => error.extensions?.serviceName))).toEqual(new Set(['avl', 'cameras']));
  });
});
