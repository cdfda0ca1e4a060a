import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/createAuthenticator';
import type { DevIssuer } from '../auth/createDevIssuer';
import { formattedHubError } from '../errors/hubErrors';
import { createHttpApp, listenForGraphQL } from '../http/createHttpApp';
import { createAccessControl } from './authorization/createAccessControl';
import type { PurposeRules } from './authorization/createPurposeCheck';
import { createAccessPlugin } from './authorization/createAccessPlugin';
import { type AuditSink, createAuditPlugin } from './audit/createAuditPlugin';
import { type RefusalAudit, createRefusalAudit } from './audit/createRefusalAudit';
import { type OperationLimits, callerKeyOf, createLimitsPlugin } from './limits';
import { stripSecurityPurpose } from './authorization/stripSecurityPurpose';
import type { GatewayContext } from './gatewayContext';
import { createRequestContext } from './createRequestContext';
import { createGatewaySigner } from '../wire/gatewaySignature';
import { createSubgraphDataSource } from './createSubgraphDataSource';
import { createTelemetryPlugin } from './createTelemetryPlugin';
import { traceHttpRequests } from '../observability/traceHttpRequests';
import type { HubMetrics } from '../observability/createHubMetrics';
import { createErrorMasker } from './maskErrors';
import { attachSubscriptionServer } from './subscriptions/attachSubscriptionServer';
import { createSharedSubscriptions } from './subscriptions/createSharedSubscriptions';
import { createSubscriptionPlanner } from './subscriptions/createSubscriptionPlanner';
import { createUpstreamSubscriber } from './subscriptions/createUpstreamSubscriber';

export interface GatewayOptions {
  /** How long a request may take to arrive in full before a 408 (HTTP_REQUEST_TIMEOUT_MS); default `REQUEST_TIMEOUT_MS`. */
  readonly requestTimeoutMs?: number;
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
  /** Verifies callers' bearer tokens. */
  readonly authenticator: Authenticator;
  /** The development issuer, when the hub runs one: its JWKS is served at /auth/dev/jwks.json. */
  readonly devIssuer?: Pick<DevIssuer, 'issuer' | 'jwks'> | undefined;
  /** Secret shared with the subgraphs, under which every request and connection to them is signed. */
  readonly subgraphSigningSecret: string | Uint8Array;
  /** The audit log: one record per operation, subscription start and stop, and restricted event. */
  readonly audit: AuditSink;
  /** Limits against abuse (gateway/limits), shared by HTTP and WebSocket. */
  readonly limits: OperationLimits;
  /** What a stated purpose must look like, and which purposes name a CAD incident that must exist. */
  readonly purposeRules?: PurposeRules;
  /**
   * Refusals of one caller or address recorded one by one per window; the rest are counted into
   * one summary record per window (GATEWAY_REFUSAL_RECORDS_PER_WINDOW, default 30; window
   * GATEWAY_REFUSAL_WINDOW_MS, default 60 s).
   */
  readonly refusalRecordsPerWindow?: number;
  readonly refusalWindowMs?: number;
  /**
   * Whether introspection is on (INTROSPECTION_ENABLED, default off). Off, error messages do not
   * suggest schema names either ("Did you mean …?"), which would leak the schema piece by piece.
   */
  readonly introspectionEnabled?: boolean;
  /**
   * More HTTP routes on the gateway's server beside `/graphql` (the console, the explorer,
   * metrics …), registered in order before it listens. Each is a fastify plugin.
   */
  readonly routes?: readonly GatewayRoutes[];
  /** Where operations and subgraph fetches are counted and timed (observability/createHubMetrics). */
  readonly metrics?: Pick<HubMetrics, 'operationFinished' | 'subgraphFetched'>;
}

/** Routes added to the gateway's HTTP server: a fastify plugin given the gateway's app. */
export type GatewayRoutes = (app: FastifyInstance) => void | Promise<void>;

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
  /** Subscription `next` messages written to clients so far. */
  readonly eventsDelivered: number;
  /** Messages waiting in clients' outboxes now (the queue depth, summed). */
  readonly outboxMessages: number;
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
  const signer = createGatewaySigner({ secret: options.subgraphSigningSecret });
  const dataSources: Record<string, GraphQLDataSource> = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [name, createSubgraphDataSource({ name, url, signer, metrics: options.metrics })]),
  );
  // @apollo/gateway otherwise probes cloud metadata addresses and exports usage metrics to Apollo
  // on construction. A hub holding criminal-justice information never phones home.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  // The stock planner gets the supergraph without the SECURITY purpose it does not implement;
  // access control enforces those directives from the original (see stripSecurityPurpose).
  const plannedSdl = stripSecurityPurpose(supergraphSdl);
  const gateway = new ApolloGateway({
    supergraphSdl: plannedSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) => {
      const source = dataSources[name];
      if (!source) throw new Error(`No URL configured for subgraph "${name}"`);
      return source;
    },
  });
  const planner = createSubscriptionPlanner({ supergraphSdl: plannedSdl, dataSources, logger });
  const access = createAccessControl({ supergraphSdl, apiSchema: planner.schema, cad: dataSources.cad, ...(options.purposeRules ? { purposeRules: options.purposeRules } : {}) });
  const app = createHttpApp(logger.child({ component: 'gateway' }), options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs });
  // A server span per HTTP request, continuing the client's `traceparent` (the operation's span is its child).
  traceHttpRequests(app, { name: 'gateway', paths: ['/graphql'] });
  const refusals = createRefusalAudit({
    audit: options.audit,
    logger: logger.child({ component: 'audit' }),
    perWindow: options.refusalRecordsPerWindow ?? 30,
    windowMs: options.refusalWindowMs ?? 60_000,
  });
  // Whether the audit plugin recorded a request's operation (then the HTTP edge does not record
  // it again), told through the context: Apollo Server hands plugins a shallow copy of it.
  const marks = new WeakMap<FastifyRequest, RequestMark>();
  /** Requests refused by authentication, which audits them itself (logon-failed). */
  const refusedByAuthentication = new WeakSet<FastifyRequest>();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorMasker(logger),
    // The hub stops its parts in order on SIGINT/SIGTERM; Apollo must not race it.
    stopOnTerminationSignals: false,
    // Introspection is decided by the limits (INTROSPECTION_ENABLED), with a coded refusal.
    introspection: true,
    hideSchemaDetailsFromClientErrors: !options.introspectionEnabled,
    plugins: [
      // First: its span is the parent of every fetch, and its clock starts before the limits'.
      createTelemetryPlugin<GatewayContext>(options.metrics),
      createLimitsPlugin<GatewayContext>(options.limits),
      fastifyApolloDrainPlugin(app),
      // Explicit, so that setting APOLLO_KEY in the environment never starts sending data out.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      createAccessPlugin(access),
      // After access control (plugins' willSendResponse run in order): audits what was sent.
      createAuditPlugin({ audit: options.audit, logger: logger.child({ component: 'audit' }), refusals, onRecorded: (context) => markRecorded(context) }),
    ],
  });
  await apollo.start();
  registerRefusalChecks(app, {
    limits: options.limits,
    refusals,
    refusedByAuthentication: (request) => refusedByAuthentication.has(request),
    recordedWithOperation: (request) => marks.get(request)?.recorded === true,
  });
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request) => {
      try {
        const mark: RequestMark = { recorded: false };
        marks.set(request, mark);
        return Object.assign(await createRequestContext(options.authenticator, request.headers, request.ip), { [REQUEST_MARK]: mark });
      } catch (error) {
        refusedByAuthentication.add(request);
        throw error;
      }
    },
  });
  app.get('/health', async () => ({ status: 'ok' }));
  for (const routes of options.routes ?? []) await routes(app);
  const { devIssuer } = options;
  if (devIssuer) {
    // The development issuer's public keys and discovery document, as a real OIDC issuer publishes them.
    app.get('/auth/dev/jwks.json', async () => devIssuer.jwks);
    app.get('/auth/dev/.well-known/openid-configuration', async (request) => ({
      issuer: devIssuer.issuer,
      jwks_uri: `${request.protocol}://${request.host}/auth/dev/jwks.json`,
      id_token_signing_alg_values_supported: ['ES256'],
    }));
  }

  const upstream = createUpstreamSubscriber({
    urls: subgraphUrls,
    signer,
    logger: logger.child({ component: 'subscriptions' }),
    ...(options.resubscribeDelayMs !== undefined ? { retryDelayMs: options.resubscribeDelayMs } : {}),
    ...(options.resubscribeMaxDelayMs !== undefined ? { maxRetryDelayMs: options.resubscribeMaxDelayMs } : {}),
  });
  const shared = createSharedSubscriptions({ planner, upstream, logger });
  const subscriptions = attachSubscriptionServer({
    server: app.server,
    path: '/graphql',
    schema: planner.schema,
    shared,
    traits: planner.traits,
    queueLimit: subscriptionQueueLimit,
    flushIntervalMs: options.subscriptionFlushIntervalMs ?? 10,
    keepAliveMs: options.subscriptionKeepAliveMs ?? 12_000,
    logger: logger.child({ component: 'subscriptions' }),
    authenticator: options.authenticator,
    access,
    audit: options.audit,
    refusals,
    hideSuggestions: !options.introspectionEnabled,
    limits: options.limits,
    executeOperation: async (request, contextValue) => {
      const response = await apollo.executeOperation(request, { contextValue });
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
      eventsDelivered: subscriptions.eventsDelivered(),
      outboxMessages: subscriptions.queuedMessages(),
    }),
    close: async () => {
      await subscriptions.close();
      shared.close();
      await upstream.close();
      // Stopping Apollo Server drains and closes the fastify app (fastifyApolloDrainPlugin).
      await apollo.stop();
      await refusals.close();
    },
  };
}

/** What a refusal by the HTTP layer says, by status (no parser or stack details). */
const REFUSAL_MESSAGES: Readonly<Record<number, string>> = {
  400: 'The request body is not well-formed JSON',
  413: 'The request body is larger than the gateway accepts',
  415: 'Unsupported content type: send application/json',
};

/** Carried in a request's context (and its copies) to tell the HTTP edge that its operation was recorded. */
const REQUEST_MARK = Symbol('rtcc.requestMark');
interface RequestMark {
  recorded: boolean;
}

function markRecorded(context: GatewayContext): void {
  const mark = (context as GatewayContext & { [REQUEST_MARK]?: RequestMark })[REQUEST_MARK];
  if (mark) mark.recorded = true;
}

/**
 * Requests refused before they became an operation (413 too large, 415 content type, CSRF,
 * batching, malformed JSON, no or bad token) take a token from their address's rate; an address
 * that has spent it is answered 429 before its body is read, unless the request carries a token. Each refusal
 * not recorded elsewhere leaves a `request-refused` record (summarised beyond the per-minute cap).
 */
function registerRefusalChecks(
  app: FastifyInstance,
  options: {
    limits: OperationLimits;
    refusals: RefusalAudit;
    /** Authentication audits its refusals itself (logon-failed); they still count against the address. */
    refusedByAuthentication: (request: FastifyRequest) => boolean;
    /** The audit plugin recorded the operation; its rate is the caller's. */
    recordedWithOperation: (request: FastifyRequest) => boolean;
  },
): void {
  const { limits, refusals } = options;
  const isGraphQL = (request: FastifyRequest) => request.url === '/graphql' || request.url.startsWith('/graphql?');
  const turnedAway = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request, reply) => {
    // A request with a token goes on to authentication, whose lock-out counts forged tokens
    // per address: an operator behind the flooding address keeps working.
    if (!isGraphQL(request) || request.headers.authorization !== undefined || !limits.isAddressLimited(request.ip)) return;
    turnedAway.add(request);
    const retryAfterSeconds = 60;
    await reply
      .code(429)
      .header('retry-after', String(retryAfterSeconds))
      .type('application/json')
      .send({ errors: [formattedHubError('RATE_LIMITED', 'Too many refused requests from this address; retry later', { retryAfterSeconds })] });
  });
  // Refusals by fastify itself (body too large, content type, malformed JSON) answer in GraphQL's
  // shape with a code, like every other answer of /graphql, and without internal error text.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    const message = status === 500 ? 'Internal server error' : REFUSAL_MESSAGES[status] ?? 'The request is malformed';
    await reply
      .code(status)
      .type('application/json')
      .send({ errors: [formattedHubError(status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST', message, { status })] });
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!isGraphQL(request) || reply.statusCode < 400) return;
    const limited = turnedAway.has(request);
    if (!limited && options.recordedWithOperation(request)) return;
    if (!limited) limits.refused(request.ip);
    if (!limited && options.refusedByAuthentication(request)) return;
    refusals.refused(
      callerKeyOf({ identity: null, clientAddress: request.ip }),
      {
        kind: 'request-refused',
        outcome: 'denied',
        reason: `HTTP ${reply.statusCode}`,
        details: { clientAddress: request.ip, method: request.method, status: reply.statusCode, contentType: String(request.headers['content-type'] ?? '').slice(0, 100) },
      },
      limited || limits.isAddressLimited(request.ip),
    );
  });
}
