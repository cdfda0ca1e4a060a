import { loadCityFixture } from '../support/cityFixture';
import { CONTROL_CHARACTERS, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

interface Answer {
  incident: { id: string } | null;
  units: { edges: { node: { id: string } }[] } | null;
  adapters: { name: string }[] | null;
}

describe.each(STORAGE_TARGETS)('control characters in GraphQL arguments, on $name', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  const expectRefusedAlone = (status: number, body: { data?: Answer | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] }) => {
    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['incident'], extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
    expect(body.errors?.[0]?.message).toMatch(/control character/);
    // The siblings, one of them from the same subgraph, are answered.
    expect(body.data?.incident).toBeNull();
    expect(body.data?.units?.edges.length).toBeGreaterThan(0);
    expect(Array.isArray(body.data?.adapters)).toBe(true);
  };

  it('refuses a NUL in a literal argument for its field alone', async () => {
    const { status, body } = await hub.post<Answer>('{ incident(id: "a\\u0000b") { id } units { edges { node { id } } } adapters { name } }', {}, {
      authorization: `Bearer ${await hub.token()}`,
    });
    expectRefusedAlone(status, body);
  });

  it('refuses every control character in a variable for its field alone', async () => {
    const headers = { authorization: `Bearer ${await hub.token()}` };
    const query = 'query Q($id: ID!) { incident(id: $id) { id } units { edges { node { id } } } adapters { name } }';
    for (const control of CONTROL_CHARACTERS) {
      const { status, body } = await hub.post<Answer>(query, { id: `inc${control}1` }, headers);
      expectRefusedAlone(status, body);
    }
    await expectHubHealthy(hub);
  });

  it('refuses them at the subgraph too, for a request that reached it', async () => {
    const cad = hub.subgraphs.cad.server.url;
    const body = await hub.postSubgraph<Answer>(cad, 'query Q($id: ID!) { incident(id: $id) { id } }', { id: 'x\u0000y' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
  });
});
