import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createHttpApp, listenForGraphQL } from '../http/createHttpApp';
import { createSubgraphDataSource } from './createSubgraphDataSource';
import { createErrorMasker } from './maskErrors';

export interface GatewayOptions {
  /** The composed supergraph SDL (schema/supergraph.graphql). */
  readonly supergraphSdl: string;
  /** Where each subgraph listens, by subgraph name; overrides the URLs in the supergraph. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface Gateway {
  readonly app: FastifyInstance;
  /** `http://host:port/graphql`, once listening. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The hub's gateway: `@apollo/gateway` plans each operation over the supergraph and fetches
 * from the subgraphs; `@apollo/server` serves it on fastify at `/graphql`, with `/health`.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { supergraphSdl, subgraphUrls, logger, host = '127.0.0.1', port = 0 } = options;
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) => {
      const url = subgraphUrls[name];
      if (!url) throw new Error(`No URL configured for subgraph "${name}"`);
      return createSubgraphDataSource({ name, url });
    },
  });
  const app = createHttpApp(logger.child({ component: 'gateway' }));
  const apollo = new ApolloServer({
    gateway,
    formatError: createErrorMasker(logger),
    // The hub stops its parts in order on SIGINT/SIGTERM; Apollo must not race it.
    stopOnTerminationSignals: false,
    plugins: [fastifyApolloDrainPlugin(app)],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), { path: '/graphql' });
  app.get('/health', async () => ({ status: 'ok' }));
  const url = await listenForGraphQL(app, host, port);
  return {
    app,
    url,
    // Stopping Apollo Server drains and closes the fastify app (fastifyApolloDrainPlugin).
    close: () => apollo.stop(),
  };
}
