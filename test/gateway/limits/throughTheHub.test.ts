import { type TestHub, startTestHub } from '../../support/startTestHub';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { createGatewayClient, record } from '../../support/subscribeThroughGateway';

const target = STORAGE_TARGETS[0]!;

describe('limits against abuse, through the running gateway', () => {
  let hub: TestHub;
  let headers: Record<string, string>;
  beforeAll(async () => {
    hub = await startTestHub(target, { env: { RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '20', LIMIT_MAX_DEPTH: '8', INTROSPECTION_ENABLED: 'false' } });
    headers = { authorization: `Bearer ${await hub.token({ subject: 'limits-supervisor', roles: ['supervisor'] })}`, 'x-purpose': 'TEST-1' };
  });
  afterAll(() => hub?.close());

  const codeOf = async (query: string, as = headers) => {
    const { status, body } = await hub.post(query, {}, as);
    return { status, code: body.errors?.[0]?.extensions?.code };
  };

  it('refuses costly, deep, oversized and introspection operations with a code each', async () => {
    const costly = `{ incidents(first: 100) { edges { node { nearbyUnits(limit: 100) { unit { nearbyCameras(limit: 100) { camera { id } } } } } } } }`;
    expect(await codeOf(costly)).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
    const deep = '{ units { edges { node { incident { units { incident { units { incident { units { id } } } } } } } } } }';
    expect(await codeOf(deep)).toMatchObject({ code: 'QUERY_TOO_DEEP' });
    expect(await codeOf(`{ adapters { name } } # ${'x'.repeat(40_000)}`)).toEqual({ status: 413, code: 'DOCUMENT_TOO_LARGE' });
    expect(await codeOf('{ __schema { types { name } } }')).toMatchObject({ code: 'INTROSPECTION_DISABLED' });
  });

  it('refuses a costly subscription over WebSocket the same way', async () => {
    const client = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: headers.authorization!, 'X-Purpose': 'TEST-1' } });
    const subscription = record(client, 'subscription { callReceived { nearbyUnits(limit: 100) { unit { nearbyCameras(limit: 100) { camera { id streams { url } } } } } } }');
    await expect(subscription.waitFor(1, 3000)).rejects.toThrow();
    expect(JSON.stringify(subscription.errors)).toMatch(/QUERY_TOO_COSTLY/);
    await client.dispose();
  });

  it('rate-limits one caller without slowing another', async () => {
    const busy = { authorization: `Bearer ${await hub.token({ subject: 'busy-caller', roles: ['adapter'] })}` };
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await hub.post('{ adapters { name } }', {}, busy)).status);
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses).toContain(429);
    const refused = await codeOf('{ adapters { name } }', busy);
    expect(refused).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect((await codeOf('{ adapters { name } }')).status).toBe(200);
  });
});
