import type { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { createHttpApp, listenForGraphQL } from '../http/createHttpApp';
import type { CallerContext } from '../wire/forwardedCaller';
import { createGatewayGuard } from './createGatewayGuard';
import { type SignatureReplayCache, createGatewayVerifier } from '../wire/gatewaySignature';
import { refuseControlCharacters } from './refuseControlCharacters';
import { traceHttpRequests } from '../observability/traceHttpRequests';

export interface SubgraphServerOptions {
  /** How long a request may take to arrive in full before a 408 (HTTP_REQUEST_TIMEOUT_MS); default `REQUEST_TIMEOUT_MS`. */
  readonly requestTimeoutMs?: number;
  /** Subgraph name, for logs. */
  readonly name: string;
  /** Federation subgraph schema (from `buildSubgraphSchema`). */
  readonly schema: GraphQLSchema;
  /** Builds the per-request context: fresh DataLoaders, so that batching and caching last one request. */
  readonly createContext: () => object;
  /**
   * The secret the gateway signs its requests with (see ./gatewaySignature); requests and
   * WebSocket connections without a valid signature are refused.
   */
  readonly gatewaySignature: {
    readonly secret: string | Uint8Array;
    /** Largest accepted distance between a signature's time and this server's clock, in ms (default 60 s). */
    readonly maxSkewMs?: number;
    /** The wall clock, in ms since the epoch; injected for tests. */
    readonly now?: () => number;
    /** Signatures already used, shared with the other subgraphs and replicas (default: this server's, in memory). */
    readonly replays?: SignatureReplayCache;
  };
  readonly logger: Logger;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Routes outside `/graphql`, unguarded (see `Subgraph.publicRoutes`). */
  readonly publicRoutes?: (app: FastifyInstance) => void | Promise<void>;
}

export interface SubgraphServer {
  readonly app: FastifyInstance;
  /** `http://host:port/graphql`, once listening. */
  readonly url: string;
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

/**
 * Serves one subgraph over HTTP at `/graphql` (mercurius on fastify), with `/health`. Only the
 * gateway may call `/graphql`: every request and subscription connection must carry its
 * signature. Resolvers find the caller the gateway forwarded in `context.caller`
 * ({@link CallerContext}).
 */
export async function createSubgraphServer(options: SubgraphServerOptions): Promise<SubgraphServer> {
  const { name, schema, createContext, gatewaySignature, logger, host = '127.0.0.1', port = 0, requestTimeoutMs, publicRoutes } = options;
  const log = logger.child({ subgraph: name });
  const app = createHttpApp(log, requestTimeoutMs === undefined ? {} : { requestTimeoutMs });
  // A span per operation, under the gateway's fetch span (its `traceparent`).
  traceHttpRequests(app, { name: `subgraph ${name}`, paths: [GRAPHQL_PATH] });
  const guard = createGatewayGuard({ verifier: createGatewayVerifier(gatewaySignature), path: GRAPHQL_PATH, logger: log });
  guard.register(app);
  await app.register(mercurius, {
    // A control character in a text argument fails its own field, cleanly, before it reaches the database.
    schema: refuseControlCharacters(schema),
    path: GRAPHQL_PATH,
    graphiql: false,
    context: (request): object & CallerContext => ({ ...createContext(), caller: guard.callerOf(request) }),
    // Subscriptions over graphql-ws (graphql-transport-ws protocol) on the same path. The
    // gateway shares each upstream subscription among its clients, so it forwards no caller.
    subscription: {
      context: (): object & CallerContext => ({ ...createContext(), caller: null }),
      onConnect: (message) => guard.onConnect(message),
    },
  });
  app.get('/health', async () => ({ status: 'ok', subgraph: name }));
  if (publicRoutes) await app.register(async (scoped) => publicRoutes(scoped));
  const url = await listenForGraphQL(app, host, port);
  return { app, url, close: () => app.close() };
}
