import pino from 'pino';
import type { Adapter } from '../../contract';
import { type AdapterLookups, type Hub, createHub } from '../../hub/createHub';
import { readHubConfig } from '../../config/hubConfig';
import { randomBytes } from 'node:crypto';
import type { DevTokenClaims } from '../../auth/createDevIssuer';
import { GATEWAY_SIGNATURE_HEADER, createGatewaySigner, signHttpRequest } from '../../wire/gatewaySignature';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from './storageTargets';
import { forgetGatewayCaller, registerGatewayCaller } from './subscribeThroughGateway';

export interface TestHub extends Hub {
  /**
   * Posts a GraphQL operation to the gateway as a supervisor with a stated purpose (see
   * DEFAULT_TEST_CALLER) and returns the parsed JSON body.
   */
  query<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<GraphQLBody<T>>;
  /** A token of the hub's development issuer. */
  token(claims?: Partial<DevTokenClaims>): Promise<string>;
  /** Posts straight to a subgraph, signed as the gateway signs (subgraphs refuse anything else). */
  postSubgraph<T = unknown>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLBody<T>>;
  /** Posts as whoever `headers` say (Authorization, X-Purpose), returning status and body. */
  post<T = unknown>(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<{ status: number; body: GraphQLBody<T> }>;
}

/** Every listener of the hub on a free port (0), so that hubs of parallel tests never collide. */
export const FREE_PORTS = {
  PORT: '0',
  CALLS_PORT: '0',
  CAD_PORT: '0',
  AVL_PORT: '0',
  CAMERAS_PORT: '0',
  INGEST_PORT: '0',
  AUDIT_PORT: '0',
  COMMUNITY_PORT: '0',
} as const;

/** Every listener of a hub with its simulated city on a free port: the gateway's, the subgraphs' and the city's vendor endpoints and stills. */
export const CITY_FREE_PORTS = { ...FREE_PORTS, AVL_UDP_PORT: '0', EIDO_HTTP_PORT: '0', SIM_SNAPSHOT_PORT: '0' } as const;

/** Who `query` and gateway clients act as unless a test says otherwise. */
export const DEFAULT_TEST_CALLER = { subject: 'test-supervisor', roles: ['supervisor'], purpose: 'TEST-0001' } as const;

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Starts a whole hub on free ports against `target`, without the simulator. */
export async function startTestHub(
  target: StorageTarget,
  options: { now?: () => Date; adapters?: Adapter[] | ((lookups: AdapterLookups) => Adapter[]); env?: Record<string, string> } = {},
): Promise<TestHub> {
  const schemaPrefix = uniqueSchemaPrefix();
  const signingSecret = randomBytes(32).toString('hex');
  const config = readHubConfig({
    SUBGRAPH_SIGNING_SECRET: signingSecret,
    ...FREE_PORTS,
    SIM_ENABLED: 'false',
    AUTH_DEV_KEY_FILE: 'memory',
    // Tests send many operations as one caller; rate limits have their own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    DATABASE_SCHEMA_PREFIX: schemaPrefix,
    // Never the default data directory: parallel workers would share it (and its lock).
    PGLITE_DATA_DIR: 'memory',
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...options.env,
  });
  const hub = await createHub({
    config,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.adapters ? { adapters: options.adapters } : {}),
  });
  const token = async (claims: Partial<DevTokenClaims> = {}) => {
    if (!hub.issueToken) throw new Error('this test hub has no development issuer (AUTH_ISSUER is set)');
    return hub.issueToken({ subject: DEFAULT_TEST_CALLER.subject, roles: [...DEFAULT_TEST_CALLER.roles], ...claims });
  };
  const post = async <T>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const response = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLBody<T> };
  };
  const defaultHeaders = async () => ({ authorization: `Bearer ${await token()}`, 'x-purpose': DEFAULT_TEST_CALLER.purpose });
  if (hub.issueToken) registerGatewayCaller(hub.gatewayUrl, async () => ({ Authorization: `Bearer ${await token()}`, 'X-Purpose': DEFAULT_TEST_CALLER.purpose }));
  const signer = createGatewaySigner({ secret: signingSecret });
  return {
    ...hub,
    token,
    post,
    async postSubgraph<T>(url: string, query: string, variables: Record<string, unknown> = {}) {
      const body = JSON.stringify({ query, variables });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'POST', url, body }) },
        body,
      });
      return (await response.json()) as GraphQLBody<T>;
    },
    async query<T>(query: string, variables: Record<string, unknown> = {}) {
      return (await post<T>(query, variables, await defaultHeaders())).body;
    },
    async close() {
      forgetGatewayCaller(hub.gatewayUrl);
      await hub.close();
      await dropSchemas(target.databaseUrl, schemaPrefix);
    },
  };
}
