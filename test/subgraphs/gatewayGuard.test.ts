import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import pino from 'pino';
import type { Identity } from '../../auth/identity';
import { createSubgraphDataSource } from '../../gateway/createSubgraphDataSource';
import type { GatewayContext } from '../../gateway/gatewayContext';
import { type UpstreamSubscriber, createUpstreamSubscriber } from '../../gateway/subscriptions/createUpstreamSubscriber';
import { type SubgraphServer, createSubgraphServer } from '../../subgraphs/createSubgraphServer';
import { CALLER_HEADER, type CallerContext, encodeForwardedCaller } from '../../wire/forwardedCaller';
import { GATEWAY_SIGNATURE_HEADER, createGatewaySigner, signHttpRequest } from '../../wire/gatewaySignature';
import { gatewayHeaders, postToSubgraph } from './callSubgraphDirectly';

const SECRET = 'gatewayGuard-test-secret-0123456789abcdef';

/** A subgraph that tells what it was told: the caller its resolvers see. */
const TYPE_DEFS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { whoAmI: String }
  type Subscription { ticks(count: Int!): Int! }
`);

const resolvers = {
  Query: { whoAmI: (_: unknown, __: unknown, context: CallerContext) => JSON.stringify(context.caller) },
  Subscription: {
    ticks: {
      subscribe: async function* (_: unknown, { count }: { count: number }) {
        for (let tick = 1; tick <= count; tick += 1) yield tick;
      },
      resolve: (tick: number) => tick,
    },
  },
};

const OFFICER: Identity = {
  subject: 'officer-17',
  clientId: 'mdt',
  roles: ['officer'],
  scopes: new Set(['units:read', 'calls:read']),
  geofence: { kind: 'circle', center: { lat: 33.415, lon: -111.831 }, radiusMeters: 3000 },
  cameraOwner: null,
  department: null,
  tokenId: 'jti-1',
  expiresAt: Date.now() + 600_000,
};

describe('a subgraph behind the gateway guard', () => {
  let server: SubgraphServer;
  const signer = createGatewaySigner({ secret: SECRET });
  const whoAmI = JSON.stringify({ query: '{ whoAmI }' });

  beforeAll(async () => {
    server = await createSubgraphServer({
      name: 'tiny',
      schema: buildSubgraphSchema({ typeDefs: TYPE_DEFS, resolvers: resolvers as GraphQLResolverMap<unknown> }),
      createContext: () => ({}),
      gatewaySignature: { secret: SECRET },
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('forwarding the caller through the gateway', () => {
    let apollo: ApolloServer<GatewayContext>;
    beforeAll(async () => {
      process.env.APOLLO_TELEMETRY_DISABLED = 'true';
      const composed = composeServices([{ name: 'tiny', typeDefs: TYPE_DEFS, url: server.url }]);
      if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.map(String).join('; ')}`);
      apollo = new ApolloServer<GatewayContext>({
        gateway: new ApolloGateway({
          supergraphSdl: composed.supergraphSdl,
          buildService: ({ name, url }) => createSubgraphDataSource({ name, url: url ?? server.url, signer }),
        }),
        plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
      });
      await apollo.start();
    });
    afterAll(async () => {
      await apollo?.stop();
    });

    const ask = async (contextValue: GatewayContext) => {
      const response = await apollo.executeOperation<{ whoAmI: string }>({ query: '{ whoAmI }' }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      expect(response.body.singleResult.errors).toBeUndefined();
      return JSON.parse(response.body.singleResult.data?.whoAmI ?? 'undefined') as unknown;
    };

    it('hands resolvers the verified caller and the stated purpose as context.caller', async () => {
      expect(await ask({ identity: OFFICER, purpose: 'INC-42', clientAddress: '10.0.0.7' })).toEqual({
        subject: 'officer-17',
        clientId: 'mdt',
        roles: ['officer'],
        scopes: ['calls:read', 'units:read'],
        geofence: { kind: 'circle', center: { lat: 33.415, lon: -111.831 }, radiusMeters: 3000 },
        cameraOwner: null,
        department: null,
        purpose: 'INC-42',
      });
    });

    it('forwards no caller when the operation has no identity', async () => {
      expect(await ask({ identity: null, purpose: null, clientAddress: '10.0.0.7' })).toBeNull();
    });
  });

  describe('refusing what the gateway did not sign', () => {
    it('refuses a caller header added to a signed request, and one that is not a caller', async () => {
      const forged = encodeForwardedCaller({ subject: 'me', clientId: null, roles: ['supervisor'], scopes: [], geofence: null, cameraOwner: null, department: null, purpose: null });
      const added = await postToSubgraph(server.url, whoAmI, { ...gatewayHeaders(signer, server.url, whoAmI), [CALLER_HEADER]: forged });
      expect(added.status).toBe(401);
      expect(added.body.errors?.[0]?.extensions?.reason).toMatch(/does not match/);

      const garbage = await postToSubgraph(server.url, whoAmI, gatewayHeaders(signer, server.url, whoAmI, 'bm90IGpzb24'));
      expect(garbage.status).toBe(401);
      expect(garbage.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: `${CALLER_HEADER} is not base64url-encoded JSON` });
    });

    it('signs the body bytes whatever their content type', async () => {
      const document = '{ whoAmI }';
      const signature = signHttpRequest(signer, { method: 'POST', url: server.url, body: document });
      const send = (body: string) =>
        fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/graphql', [GATEWAY_SIGNATURE_HEADER]: signature }, body });
      const signed = await send(document);
      expect(signed.status).toBe(200);
      expect(await signed.json()).toEqual({ data: { whoAmI: 'null' } });
      expect((await send('{ __typename }')).status).toBe(401);
    });

    it('guards GET queries too', async () => {
      const url = `${server.url}?query=${encodeURIComponent('{ whoAmI }')}`;
      expect((await fetch(url)).status).toBe(401);
      const signed = await fetch(url, { headers: { [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'GET', url }) } });
      expect(signed.status).toBe(200);
    });
  });

  describe('the subscription upstream', () => {
    let upstream: UpstreamSubscriber | undefined;
    afterEach(async () => {
      await upstream?.close();
    });

    it('connects with a fresh signature and receives events', async () => {
      upstream = createUpstreamSubscriber({ urls: { tiny: server.url }, signer, logger: pino({ level: 'silent' }) });
      const ticks = await new Promise<unknown[]>((resolve, reject) => {
        const received: unknown[] = [];
        upstream?.subscribe('tiny', 'subscription { ticks(count: 3) }', {}, {
          next: (result) => received.push(result.data?.ticks),
          error: reject,
          complete: () => resolve(received),
        });
      });
      expect(ticks).toEqual([1, 2, 3]);
    });
  });
});
