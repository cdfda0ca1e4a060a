import type { Knex } from 'knex';
import { INCIDENT_POINT, loadCityFixture } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** Counts the SQL statements a knex instance sends while `work` runs. */
async function countQueries(db: Knex, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (query: { sql: string }) => seen.push(query.sql);
  db.on('query', listener);
  try {
    await work();
  } finally {
    db.removeListener('query', listener);
  }
  return seen;
}

type EntitiesBody = { data?: { _entities: unknown[] } | null; errors?: unknown[] };

describe.each(STORAGE_TARGETS)('entity references are resolved in batches ($name)', (target) => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('one _entities request for seven units costs CAD one query, and none once it has them', async () => {
    // Units CAD has not seen through its own writes (stored by another replica, say): not cached yet.
    const ids = Array.from({ length: 7 }, (_, i) => `cold-${i}`);
    await hub.subgraphs.cad.db.table('units').insert(ids.map((id) => ({ id, call_sign: id.toUpperCase(), status: 'AVAILABLE', incident_id: null, updated_at: new Date() })));
    const lookUp = async () => {
      let body: EntitiesBody | undefined;
      const queries = await countQueries(hub.subgraphs.cad.db.knex, async () => {
        body = await hub.postSubgraph<{ _entities: unknown[] }>(
          hub.subgraphs.cad.server.url,
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { id callSign status } } }',
          { r: ids.map((id) => ({ __typename: 'Unit', id })) },
        );
      });
      expect(body?.errors).toBeUndefined();
      expect(body?.data?._entities).toEqual(ids.map((id) => ({ id, callSign: id.toUpperCase(), status: 'AVAILABLE' })));
      // The retention job's first run (at start) may purge CAD's own tables meanwhile: count unit reads only.
      return queries.filter((sql) => /"units"/.test(sql));
    };
    const cold = await lookUp();
    expect(cold).toHaveLength(1);
    expect(cold[0]).toMatch(/from "[a-z0-9_]+"\."units" where "id" in/);
    expect(await lookUp()).toEqual([]);
  });

  it('one _entities request for cameras and units costs each subgraph one query per type', async () => {
    const cameraQueries = await countQueries(hub.subgraphs.cameras.db.knex, async () => {
      const body = await hub.postSubgraph<{ _entities: unknown[] }>(
        hub.subgraphs.cameras.server.url,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Camera { id name } } }',
        { r: ['cam-east', 'cam-north', 'cam-ptz', 'cam-missing'].map((id) => ({ __typename: 'Camera', id })) },
      );
      expect(body.data?._entities).toEqual([
        { id: 'cam-east', name: 'Camera cam-east' },
        { id: 'cam-north', name: 'Camera cam-north' },
        { id: 'cam-ptz', name: 'Camera cam-ptz' },
        null,
      ]);
    });
    expect(cameraQueries).toHaveLength(1);

    const avlQueries = await countQueries(hub.subgraphs.avl.db.knex, async () => {
      const body = await hub.postSubgraph<{ _entities: unknown[] }>(
        hub.subgraphs.avl.server.url,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { id position { point { lat } } } } }',
        { r: ['unit-a', 'unit-b', 'unit-c'].map((id) => ({ __typename: 'Unit', id })) },
      );
      expect(body.data?._entities).toHaveLength(3);
    });
    // A read first writes any positions still waiting behind (AVL writes in batches every 100 ms);
    // the lookup itself is one query.
    expect(avlQueries.filter((sql) => !sql.startsWith('insert'))).toHaveLength(1);
    expect(avlQueries.filter((sql) => !sql.startsWith('insert'))[0]).toMatch(/from "[a-z0-9_]+"\."unit_positions" where "unit_id" in/);
  });

  it('a gateway query that fans out to many units batches each hop', async () => {
    const queries = await countQueries(hub.subgraphs.cad.db.knex, async () => {
      const body = await hub.query<{ unitsNear: { unit: { callSign: string; incident: { number: string } | null } }[] }>(
        'query ($p: GeoPointInput!) { unitsNear(point: $p, radiusMeters: 10000, limit: 10) { unit { callSign incident { number } } } }',
        { p: INCIDENT_POINT },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.unitsNear).toHaveLength(7);
    });
    // The seven units come from CAD's cache (it stored them itself); one query for the incident
    // that one of them is assigned to.
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/"incidents" where "id" in/);
  });
});

describe('AVL device assignments', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(STORAGE_TARGETS[0]!);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('are edited through the API, kept in the database and resolved in memory for adapters', async () => {
    const assigned = await hub.query<{ assignDevice: { deviceId: string; unit: { callSign: string; position: { point: { lat: number } } } } }>(
      'mutation { assignDevice(deviceId: "modem-77", unitId: "unit-b") { deviceId unit { callSign position { point { lat } } } } }',
    );
    expect(assigned.errors).toBeUndefined();
    expect(assigned.data?.assignDevice.unit.callSign).toBe('1A12');
    expect(assigned.data?.assignDevice.unit.position.point.lat).toBeCloseTo(33.41, 1);
    expect(hub.devices.unitFor('modem-77')).toBe('unit-b');
    const listed = await hub.query<{ devices: { deviceId: string }[] }>('{ devices { deviceId } }');
    expect(listed.data?.devices).toEqual([{ deviceId: 'modem-77' }]);
    const removed = await hub.query<{ unassignDevice: boolean }>('mutation { unassignDevice(deviceId: "modem-77") }');
    expect(removed.data?.unassignDevice).toBe(true);
    expect(hub.devices.unitFor('modem-77')).toBeUndefined();
  });
});
