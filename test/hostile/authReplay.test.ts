import { randomBytes } from 'node:crypto';
import { GATEWAY_SIGNATURE_HEADER, GATEWAY_SIGNATURE_PARAM, createGatewaySigner, signHttpRequest } from '../../wire/gatewaySignature';
import { expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';
import { gatewayHeaders, postToSubgraph, tryConnection } from '../subgraphs/callSubgraphDirectly';

const QUERY = JSON.stringify({ query: '{ _service { sdl } }' });

describe.each(STORAGE_TARGETS)('a signed subgraph request is accepted once ($name)', (target) => {
  const secret = randomBytes(32).toString('hex');
  const signer = createGatewaySigner({ secret });
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target, { env: { SUBGRAPH_SIGNING_SECRET: secret } });
  });
  afterAll(() => hub?.close());

  it('refuses the same signed POST sent again, to the same subgraph or another, with SIGNATURE_REPLAYED', async () => {
    const cad = hub.subgraphs.cad.server.url;
    // What an eavesdropper on the subgraph network captured: the gateway's request, headers and all.
    const captured = gatewayHeaders(signer, cad, QUERY);
    const first = await postToSubgraph(cad, QUERY, captured);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    for (const url of [cad, hub.subgraphs.calls.server.url]) {
      const again = await postToSubgraph(url, QUERY, captured);
      expect(again.status).toBe(401);
      expect(again.body.data).toBeUndefined();
      expect(again.body.errors?.[0]?.extensions).toEqual({ code: 'SIGNATURE_REPLAYED', reason: expect.stringMatching(/used before/) });
    }
    // The gateway's own traffic is unaffected: every request it signs is new.
    for (let i = 0; i < 3; i += 1) expect((await hub.query('{ adapters { name } }')).errors).toBeUndefined();
  });

  it('refuses a replayed WebSocket upgrade and a replayed connection_init signature', async () => {
    const url = hub.subgraphs.calls.server.url;
    const upgrade = { [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'GET', url }) };
    const connection = { [GATEWAY_SIGNATURE_PARAM]: signer.signConnection('/graphql') };
    expect(await tryConnection(url, upgrade, connection)).toMatchObject({ messages: [{ type: 'connection_ack' }] });
    expect(await tryConnection(url, upgrade, { [GATEWAY_SIGNATURE_PARAM]: signer.signConnection('/graphql') })).toMatchObject({
      refusedWithStatus: 401,
      body: expect.stringContaining('SIGNATURE_REPLAYED'),
    });
    const freshUpgrade = { [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'GET', url }) };
    expect(await tryConnection(url, freshUpgrade, connection)).toEqual({ messages: [{ type: 'connection_error', payload: { message: 'Forbidden' } }], closed: true });
    await expectHubHealthy(hub);
  });
});

const postgres = STORAGE_TARGETS.filter((target) => target.name === 'postgres');

describe.each(postgres)('replicas sharing PostgreSQL share the used signatures ($name)', (target) => {
  const secret = randomBytes(32).toString('hex');
  const signer = createGatewaySigner({ secret });
  // Two replicas of the whole hub on one database, as a city runs them: same schemas, same secret.
  const prefix = uniqueSchemaPrefix();
  const env = { SUBGRAPH_SIGNING_SECRET: secret, DATABASE_SCHEMA_PREFIX: prefix };
  let replicas: TestHub[] = [];

  beforeAll(async () => {
    replicas = [await startTestHub(target, { env }), await startTestHub(target, { env })];
  });
  afterAll(async () => {
    for (const replica of replicas.reverse()) await replica.close();
    await dropSchemas(target.databaseUrl, prefix);
  });

  it('refuses at one replica a request already answered by the other', async () => {
    const [a, b] = replicas as [TestHub, TestHub];
    const urlA = a.subgraphs.cad.server.url;
    const urlB = b.subgraphs.cad.server.url;
    expect(urlA).not.toBe(urlB);
    // Signed for one path, the request is the same bytes at either replica.
    const captured = gatewayHeaders(signer, urlA, QUERY);
    expect((await postToSubgraph(urlA, QUERY, captured)).status).toBe(200);
    const replayed = await postToSubgraph(urlB, QUERY, captured);
    expect(replayed.status).toBe(401);
    expect(replayed.body.errors?.[0]?.extensions?.code).toBe('SIGNATURE_REPLAYED');
    // Concurrent first uses at both replicas: exactly one is answered.
    const raced = gatewayHeaders(signer, urlA, QUERY);
    const outcomes = await Promise.all([postToSubgraph(urlA, QUERY, raced), postToSubgraph(urlB, QUERY, raced)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([200, 401]);
  });
});
