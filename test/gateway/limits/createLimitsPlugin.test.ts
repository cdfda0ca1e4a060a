import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import pino from 'pino';
import { type LimitsContext, createLimitsPlugin, originalQueryOf } from '../../../gateway/limits/createLimitsPlugin';
import { type OperationLimitsOptions, createOperationLimits } from '../../../gateway/limits/createOperationLimits';
import { parsePersistedOperations, sha256Hex } from '../../../gateway/limits/readPersistedOperations';
import { createErrorMasker } from '../../../gateway/maskErrors';
import { createHttpApp, listenForGraphQL } from '../../../http/createHttpApp';
import { FLAGSHIP_QUERY } from '../../../schema/flagshipQuery';
import { incidentCallsChain, readApiSchema } from './limitsFixtures';

const INCIDENT = {
  number: 'MPD2611230002',
  typeText: 'Assault',
  priority: 2,
  location: { point: { lat: 33.451383, lon: -111.809827 }, address: '1250 E McKellips Rd' },
  nearbyUnits: [],
  nearbyCameras: [],
};
const LISTED = 'query Incident($id: ID!) { incident(id: $id) { id number } }';

interface GraphQLAnswer {
  status: number;
  retryAfter: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * A real Apollo Server on fastify (as the gateway serves), over the hub's API schema with an
 * incident at the root, the limits plugin, and the gateway's error masker. The caller's subject
 * comes from an `x-test-subject` header here; the gateway takes it from the verified token.
 */
async function startServer(options: OperationLimitsOptions) {
  const logger = pino({ level: 'silent' });
  /** What a later plugin (the audit trail's) sees of each response: the client's document if swapped. */
  const swappedQueries: (string | undefined)[] = [];
  const app = createHttpApp(logger);
  const apollo = new ApolloServer<LimitsContext>({
    schema: readApiSchema(),
    rootValue: { incident: ({ id }: { id: string }) => ({ ...INCIDENT, id }) },
    introspection: true, // the limits decide, with their own code
    formatError: createErrorMasker(logger),
    plugins: [
      fastifyApolloDrainPlugin(app),
      createLimitsPlugin(createOperationLimits(options)),
      { requestDidStart: async () => ({ willSendResponse: async ({ request }) => void swappedQueries.push(originalQueryOf(request)) }) },
    ],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request): Promise<LimitsContext> => {
      const subject = request.headers['x-test-subject'];
      return { identity: typeof subject === 'string' ? { subject } : null, clientAddress: request.ip };
    },
  });
  const url = await listenForGraphQL(app, '127.0.0.1', 0);
  const post = async (body: Record<string, unknown>, subject = 'operator-1'): Promise<GraphQLAnswer> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-subject': subject },
      body: JSON.stringify(body),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as GraphQLAnswer['body'] };
  };
  return { post, apollo, swappedQueries, stop: () => apollo.stop() };
}

const codeOf = (answer: GraphQLAnswer) => answer.body.errors?.[0]?.extensions?.code;

describe('the limits plugin in a real Apollo Server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let subjects = 0;
  /** A subject of its own per request group, so that the rate limit of one test touches no other. */
  const freshSubject = () => `subject-${(subjects += 1)}`;

  beforeAll(async () => {
    server = await startServer({ rateLimitPerMinute: 60, rateLimitBurst: 5 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers an ordinary query', async () => {
    const answer = await server.post({ query: FLAGSHIP_QUERY, variables: { id: 'inc-7' } }, freshSubject());
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toMatchObject({ incident: { id: 'inc-7', number: 'MPD2611230002', nearbyUnits: [], nearbyCameras: [] } });
  });

  it('refuses a document over 32 KiB with DOCUMENT_TOO_LARGE and HTTP 413', async () => {
    const answer = await server.post({ query: `{ __typename }${' '.repeat(40 * 1024)}` }, freshSubject());
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'DOCUMENT_TOO_LARGE', sizeBytes: 40 * 1024 + 14, maxBytes: 32 * 1024 });
    expect(answer.body.data).toBeUndefined();
    // Apollo parsed a stand-in; later plugins can still tell what the client sent.
    expect(server.swappedQueries.at(-1)).toHaveLength(40 * 1024 + 14);
  });

  it('refuses an operation deeper than 12 with QUERY_TOO_DEEP', async () => {
    const answer = await server.post({ query: incidentCallsChain(13) }, freshSubject());
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', depth: 13, maxDepth: 12 });
  });

  it('refuses nested lists that multiply past the cost limit with QUERY_TOO_COSTLY, the estimate and the limit', async () => {
    const query = 'query ($n: Int) { incident(id: "1") { nearbyUnits(limit: $n) { unit { nearbyCameras(limit: $n) { camera { id } } } } } }';
    const answer = await server.post({ query, variables: { n: 100 } }, freshSubject());
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/estimated cost is 20202; the limit is 5000/);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', estimatedCost: 20202, maxCost: 5000 });
    const affordable = await server.post({ query, variables: { n: 10 } }, freshSubject());
    expect(affordable.status).toBe(200);
    expect(affordable.body.errors).toBeUndefined();
  });

  it('refuses introspection with INTROSPECTION_DISABLED, but not __typename', async () => {
    const answer = await server.post({ query: '{ __schema { queryType { name } } }' }, freshSubject());
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('INTROSPECTION_DISABLED');
    const typename = await server.post({ query: '{ __typename }' }, freshSubject());
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('rate-limits each caller with RATE_LIMITED, HTTP 429 and Retry-After; other callers go on', async () => {
    const flooder = freshSubject();
    const answers = [];
    for (let index = 0; index < 6; index += 1) answers.push(await server.post({ query: '{ __typename }' }, flooder));
    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const refused = answers[5]!;
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect((await server.post({ query: '{ __typename }' }, freshSubject())).status).toBe(200);
  });

  it('applies to operations run through executeOperation (queries and mutations over WebSocket)', async () => {
    const contextValue: LimitsContext = { identity: { subject: freshSubject() }, clientAddress: '10.0.0.9' };
    const response = await server.apollo.executeOperation({ query: incidentCallsChain(13) }, { contextValue });
    expect(response.http.status).toBe(400);
    expect(response.body.kind === 'single' && response.body.singleResult.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });
});

describe('the limits plugin with a persisted-operation allow-list', () => {
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    const persistedOperations = parsePersistedOperations({ operations: [{ id: sha256Hex(LISTED), body: LISTED }] });
    server = await startServer({ persistedOperations, rateLimitPerMinute: 0 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('runs a listed document sent in full', async () => {
    const answer = await server.post({ query: LISTED, variables: { id: 'inc-2' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { incident: { id: 'inc-2', number: 'MPD2611230002' } } });
  });

  it('runs a listed document named by its hash alone (APQ style)', async () => {
    const answer = await server.post({
      variables: { id: 'inc-3' },
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(LISTED) } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { incident: { id: 'inc-3', number: 'MPD2611230002' } } });
  });

  it('refuses any other document with OPERATION_NOT_ALLOWED (HTTP 403)', async () => {
    const answer = await server.post({ query: '{ incident(id: "inc-2") { id number typeText } }' });
    expect(answer.status).toBe(403);
    expect(codeOf(answer)).toBe('OPERATION_NOT_ALLOWED');
    expect(answer.body.data).toBeUndefined();
  });

  it('refuses an unknown hash with PERSISTED_OPERATION_NOT_FOUND', async () => {
    const answer = await server.post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'PERSISTED_OPERATION_NOT_FOUND', sha256Hash: 'ab'.repeat(32) });
  });
});
