import type { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { createHttpApp, listenForGraphQL } from '../http/createHttpApp';

export interface SubgraphServerOptions {
  /** Subgraph name, for logs. */
  readonly name: string;
  /** Federation subgraph schema (from `buildSubgraphSchema`). */
  readonly schema: GraphQLSchema;
  /** Builds the per-request context: fresh DataLoaders, so that batching and caching last one request. */
  readonly createContext: () => object;
  readonly logger: Logger;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface SubgraphServer {
  readonly app: FastifyInstance;
  /** `http://host:port/graphql`, once listening. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves one subgraph over HTTP at `/graphql` (mercurius on fastify), with `/health`. */
export async function createSubgraphServer(options: SubgraphServerOptions): Promise<SubgraphServer> {
  const { name, schema, createContext, logger, host = '127.0.0.1', port = 0 } = options;
  const app = createHttpApp(logger.child({ subgraph: name }));
  await app.register(mercurius, {
    schema,
    path: '/graphql',
    graphiql: false,
    context: () => createContext(),
    // Subscriptions over graphql-ws (graphql-transport-ws protocol) on the same path.
    subscription: { context: () => createContext() },
  });
  app.get('/health', async () => ({ status: 'ok', subgraph: name }));
  const url = await listenForGraphQL(app, host, port);
  return { app, url, close: () => app.close() };
}
