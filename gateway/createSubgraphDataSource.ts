import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { type Context, SpanKind, SpanStatusCode, context as otelContext, propagation, trace } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import type { HubMetrics } from '../observability/createHubMetrics';
import { hubTracer } from '../observability/hubTracer';
import { HubError } from '../errors/hubErrors';
import { CALLER_HEADER, type ForwardedCaller, encodeForwardedCaller } from '../wire/forwardedCaller';
import { GATEWAY_SIGNATURE_HEADER, type GatewaySigner, signHttpRequest } from '../wire/gatewaySignature';
import type { GatewayContext } from './gatewayContext';
import { operationTraceOf } from './operationTrace';

export interface SubgraphDataSourceOptions {
  /** The subgraph's name, for errors. */
  readonly name: string;
  readonly url: string;
  /** Signs every request, so that the subgraph knows it comes from the gateway. */
  readonly signer: GatewaySigner;
  /** Where each fetch's latency is observed. */
  readonly metrics?: Pick<HubMetrics, 'subgraphFetched'> | undefined;
}

/** Writes W3C trace-context headers into a fetch's headers. */
const HEADER_SETTER = { set: (carrier: { set(key: string, value: string): void }, key: string, value: string) => carrier.set(key, value) };

/**
 * Fetches from one subgraph over HTTP. Every request carries the caller (from the operation's
 * {@link GatewayContext}) in {@link CALLER_HEADER} and the gateway's signature over it and the
 * request in {@link GATEWAY_SIGNATURE_HEADER}. A subgraph that cannot be reached (refused,
 * reset, timed out) becomes a `SUBGRAPH_UNAVAILABLE` error naming it, so that the gateway
 * answers with what the other subgraphs returned plus an error that says what is missing.
 *
 * Each fetch is a client span, a child of its operation's span (or of the span active when an
 * event is completed), and carries W3C `traceparent` to the subgraph. The signature does not
 * cover `traceparent` or `tracestate`, deliberately: they only place the subgraph's spans in a
 * trace, decide nothing, and a request whose trace headers were changed still proves it
 * comes from the gateway.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource {
  readonly subgraphName: string;
  readonly #metrics: SubgraphDataSourceOptions['metrics'];
  /** The span context of each fetch in flight, for willSendRequest to propagate. */
  readonly #fetchTraces = new WeakMap<GraphQLDataSourceProcessOptions, Context>();

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.subgraphName = options.name;
    this.#metrics = options.metrics;
    // Signed where the body is final: RemoteGraphQLDataSource serialises it just before fetching.
    const fetchUnsigned = this.fetcher;
    this.fetcher = (url, init = {}) => {
      const headers = { ...init.headers };
      headers[GATEWAY_SIGNATURE_HEADER] = signHttpRequest(options.signer, {
        method: init.method ?? 'GET',
        url,
        ...(init.body !== undefined ? { body: init.body } : {}),
        caller: headers[CALLER_HEADER] ?? null,
      });
      return fetchUnsigned(url, { ...init, headers });
    };
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions): void {
    const { request, context } = options;
    const headers = request.http?.headers;
    if (!headers) return;
    const caller = forwardedCallerOf(context);
    if (caller) headers.set(CALLER_HEADER, encodeForwardedCaller(caller));
    else headers.delete(CALLER_HEADER);
    const fetchTrace = this.#fetchTraces.get(options);
    if (fetchTrace) propagation.inject(fetchTrace, headers, HEADER_SETTER);
  }

  override async process(
    options: GraphQLDataSourceProcessOptions,
  ): ReturnType<RemoteGraphQLDataSource['process']> {
    const started = performance.now();
    const parent = operationTraceOf(options.context);
    const span = hubTracer().startSpan(`subgraph ${this.subgraphName}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'rtcc.subgraph': this.subgraphName, ...(options.request.operationName ? { 'graphql.operation.name': options.request.operationName } : {}) },
    }, parent);
    const fetchTrace = trace.setSpan(parent, span);
    this.#fetchTraces.set(options, fetchTrace);
    let outcome: 'ok' | 'error' = 'ok';
    try {
      return await otelContext.with(fetchTrace, () => super.process(options));
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      // Errors the subgraph answered with are GraphQL errors already; pass them on.
      if (error instanceof GraphQLError) throw error;
      outcome = 'error';
      const reason = error instanceof Error ? error.message : String(error);
      throw new HubError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.subgraphName}" is unavailable`, {
        serviceName: this.subgraphName,
        reason,
      });
    } finally {
      span.end();
      this.#metrics?.subgraphFetched(this.subgraphName, outcome, (performance.now() - started) / 1000);
    }
  }
}

/** The data source the gateway uses for each subgraph. */
export function createSubgraphDataSource(options: SubgraphDataSourceOptions): RemoteGraphQLDataSource {
  return new SubgraphDataSource(options);
}

/**
 * The caller of the operation behind a fetch. Fetches made outside a client's operation
 * (schema loading, health checks, entity fetches for shared subscription events) have a
 * context without an identity and forward no caller.
 */
export function forwardedCallerOf(context: Partial<GatewayContext> | undefined): ForwardedCaller | null {
  const identity = context?.identity;
  if (!identity) return null;
  return {
    subject: identity.subject,
    clientId: identity.clientId,
    roles: [...identity.roles],
    scopes: [...identity.scopes].sort(),
    geofence: identity.geofence,
    cameraOwner: identity.cameraOwner,
    department: identity.department,
    purpose: context.purpose ?? null,
  };
}
