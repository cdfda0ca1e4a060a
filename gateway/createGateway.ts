import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import { createHttpApp, listenForGraphQL } from '../http/createHttpApp';
import { createSubgraphDataSource } from './createSubgraphDataSource';
import { createErrorMasker } from './maskErrors';
import { attachSubscriptionServer } from './subscriptions/attachSubscriptionServer';
import { createSharedSubscriptions } from './subscriptions/createSharedSubscriptions';
import { createSubscriptionPlanner } from './subscriptions/createSubscriptionPlanner';
import { createUpstreamSubscriber } from './subscriptions/createUpstreamSubscriber';

export interface GatewayOptions {
  /** The composed supergraph SDL (schema/supergraph.graphql). */
  readonly supergraphSdl: string;
  /** Where each subgraph listens, by subgraph name; overrides the URLs in the supergraph. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Events that may wait for one subscribed client before it is disconnected as too slow. */
  readonly subscriptionQueueLimit?: number;
  /** Least time between two writes of subscription events to one client, in ms. */
  readonly subscriptionFlushIntervalMs?: number;
  /** WebSocket ping period towards clients, in ms. */
  readonly subscriptionKeepAliveMs?: number;
  /** Reconnect backoff towards subgraphs for subscriptions: first delay and ceiling, in ms. */
  readonly resubscribeDelayMs?: number;
  readonly resubscribeMaxDelayMs?: number;
}

/** Counters for the live side of the gateway. */
export interface SubscriptionStats {
  /** Connected WebSocket clients. */
  readonly clients: number;
  /** Distinct (document, variables) subscriptions, each one upstream subscription. */
  readonly sharedStreams: number;
  /** Open WebSocket connections to subgraphs. */
  readonly upstreamConnections: number;
  /** Clients disconnected so far for falling too far behind. */
  readonly slowClientsDisconnected: number;
}

export interface Gateway {
  readonly app: FastifyInstance;
  /** `http://host:port/graphql`, once listening; WebSocket clients use the same path. */
  readonly url: string;
  subscriptionStats(): SubscriptionStats;
  close(): Promise<void>;
}

/**
 * The hub's gateway: `@apollo/gateway` plans each operation over the supergraph and fetches
 * from the subgraphs; `@apollo/server` serves queries and mutations on fastify at `/graphql`,
 * with `/health`; subscriptions are served over graphql-ws on the same path and executed from
 * the planner's `SubscriptionNode` (see ./subscriptions).
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { supergraphSdl, subgraphUrls, logger, host = '127.0.0.1', port = 0, subscriptionQueueLimit = 1000 } = options;
  const dataSources: Record<string, GraphQLDataSource> = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [name, createSubgraphDataSource({ name, url })]),
  );
  // @apollo/gateway otherwise probes cloud metadata addresses and exports usage metrics to Apollo
  // on construction. A hub holding criminal-justice information never phones home.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) => {
      const source = dataSources[name];
      if (!source) throw new Error(`No URL configured for subgraph "${name}"`);
      return source;
    },
  });
  const app = createHttpApp(logger.child({ component: 'gateway' }));
  const apollo = new ApolloServer({
    gateway,
    formatError: createErrorMasker(logger),
    // The hub stops its parts in order on SIGINT/SIGTERM; Apollo must not race it.
    stopOnTerminationSignals: false,
    plugins: [
      fastifyApolloDrainPlugin(app),
      // Explicit, so that setting APOLLO_KEY in the environment never starts sending data out.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), { path: '/graphql' });
  app.get('/health', async () => ({ status: 'ok' }));

  const upstream = createUpstreamSubscriber({
    urls: subgraphUrls,
    logger: logger.child({ component: 'subscriptions' }),
    ...(options.resubscribeDelayMs !== undefined ? { retryDelayMs: options.resubscribeDelayMs } : {}),
    ...(options.resubscribeMaxDelayMs !== undefined ? { maxRetryDelayMs: options.resubscribeMaxDelayMs } : {}),
  });
  const planner = createSubscriptionPlanner({ supergraphSdl, dataSources, logger });
  const shared = createSharedSubscriptions({ planner, upstream, logger });
  const subscriptions = attachSubscriptionServer({
    server: app.server,
    path: '/graphql',
    schema: planner.schema,
    shared,
    queueLimit: subscriptionQueueLimit,
    flushIntervalMs: options.subscriptionFlushIntervalMs ?? 20,
    keepAliveMs: options.subscriptionKeepAliveMs ?? 12_000,
    logger: logger.child({ component: 'subscriptions' }),
    executeOperation: async (request) => {
      const response = await apollo.executeOperation(request);
      return response.body.kind === 'single'
        ? (response.body.singleResult as ExecutionResult)
        : { errors: [{ message: 'Incremental delivery is not supported over WebSocket' }] } as unknown as ExecutionResult;
    },
  });

  const url = await listenForGraphQL(app, host, port);
  return {
    app,
    url,
    subscriptionStats: () => ({
      clients: subscriptions.clientCount(),
      sharedStreams: shared.streamCount,
      upstreamConnections: upstream.openConnections(),
      slowClientsDisconnected: subscriptions.slowClientsDisconnected(),
    }),
    close: async () => {
      await subscriptions.close();
      shared.close();
      await upstream.close();
      // Stopping Apollo Server drains and closes the fastify app (fastifyApolloDrainPlugin).
      await apollo.stop();
    },
  };
}
